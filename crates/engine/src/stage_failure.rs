//! [`StageFailure`]: why a stage's own work failed, as its executor says it.
//!
//! Must not hold engine types: backend errors arrive here as text.

use serde::{Deserialize, Serialize};

use crate::EngineError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFailure {
    pub kind: FailureKind,
    pub message: String,
}

/// What failed, which decides the run's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The stage's work failed: a build step, a container's exit status.
    Step,
    /// The stage cannot run as written (an unbound value, an image name the policy forbids).
    Invalid,
    /// The stage uses a step gantry does not run yet (promote, deploy, trigger).
    Unsupported,
    /// The engine, the registry or the disk failed.
    Infrastructure,
}

impl StageFailure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// A failed build is the stage's failure; any other engine error is infrastructure.
    pub fn from_engine(step: &str, error: EngineError) -> Self {
        let kind = match error {
            EngineError::BuildFailed { .. } => FailureKind::Step,
            _ => FailureKind::Infrastructure,
        };
        Self::new(kind, format!("{step}: {error}"))
    }
}
