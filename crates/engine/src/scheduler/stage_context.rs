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

/// The values of every ancestor of a stage, by stage name.
pub type AncestorExports = BTreeMap<String, StageExports>;

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
