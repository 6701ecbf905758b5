//! [`StageTimeouts`]: how long each stage may run.
//!
//! Must not enforce anything: the scheduler does.

use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageTimeouts {
    /// For every stage without its own; `None` is no limit.
    pub default: Option<Duration>,
    /// By stage name (in every pipeline).
    pub stages: BTreeMap<String, Duration>,
}

impl StageTimeouts {
    pub fn for_stage(&self, stage: &str) -> Option<Duration> {
        self.stages.get(stage).copied().or(self.default)
    }
}
