//! [`StageReport`]: how one stage ended, as the scheduler reports it in
//! [`RunEvent::StageFinished`](crate::RunEvent::StageFinished).
//!
//! This module must not decide statuses: the scheduler does.

use serde::{Deserialize, Serialize};

use crate::{FailureKind, StageOutput};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StageReport {
    pub status: StageStatus,
    /// 0 for stages that never started.
    pub duration_ms: u64,
    /// Why the stage did not succeed, in words (a failure, a timeout, a skip).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What kind of failure, for `failed` stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureKind>,
    /// What the stage produced before it ended (also when it failed).
    #[serde(flatten)]
    pub output: StageOutput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StageStatus {
    #[default]
    Ok,
    Failed,
    /// Never started: a stage it needs failed, or the run stopped first.
    Skipped,
    /// Started, then stopped because the run stopped (fail-fast or Ctrl-C).
    Cancelled,
    /// Stopped after running longer than its timeout.
    TimedOut,
}

impl StageStatus {
    pub fn name(self) -> &'static str {
        match self {
            StageStatus::Ok => "ok",
            StageStatus::Failed => "failed",
            StageStatus::Skipped => "skipped",
            StageStatus::Cancelled => "cancelled",
            StageStatus::TimedOut => "timed-out",
        }
    }
}
