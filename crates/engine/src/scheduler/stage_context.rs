//! [`StageContext`]: what a running stage receives from the scheduler — who it is, the values
//! its ancestors bound, and the way to report its output.
//!
//! It must not give access to stages that are not ancestors: PipelineLib scopes values by
//! DAG ancestry, and siblings never see each other.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::{BindingValue, LogSource, RunEvent, StageRef};

/// The values one stage bound, by key.
pub type StageExports = Arc<BTreeMap<String, BindingValue>>;

/// The values of every ancestor of a stage, by stage name. A list, not a map: it is built for
/// every stage that starts (so cheaply, with shared names and values) and read a few times.
#[derive(Debug, Clone, Default)]
pub struct AncestorExports {
    stages: Vec<(Arc<str>, StageExports)>,
}

impl AncestorExports {
    /// The values `stage` bound, if it is an ancestor.
    pub fn get(&self, stage: &str) -> Option<&StageExports> {
        self.stages.iter().find(|(name, _)| &**name == stage).map(|(_, exports)| exports)
    }

    /// The ancestors' names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.stages.iter().map(|(name, _)| &**name)
    }
}

impl FromIterator<(Arc<str>, StageExports)> for AncestorExports {
    fn from_iter<I: IntoIterator<Item = (Arc<str>, StageExports)>>(stages: I) -> Self {
        Self { stages: stages.into_iter().collect() }
    }
}

pub struct StageContext {
    pub stage: StageRef,
    pub ancestors: AncestorExports,
    events: mpsc::Sender<RunEvent>,
}

impl StageContext {
    pub fn new(
        stage: StageRef,
        ancestors: AncestorExports,
        events: mpsc::Sender<RunEvent>,
    ) -> Self {
        Self {
            stage,
            ancestors,
            events,
        }
    }

    /// Reports a line of the stage's output. A closed event stream does not stop the stage.
    pub async fn log(&self, source: LogSource, line: impl Into<String>) {
        let event = RunEvent::StageLog {
            stage: self.stage.clone(),
            source,
            line: line.into(),
        };
        let _ = self.events.send(event).await;
    }
}
