//! [`InteractiveStage`]: the setting behind `gantry shell STAGE` — the executor runs the stages
//! the named stage needs as usual, then runs the stage's `build` step, and instead of its
//! `run` step attaches the user's terminal to a container prepared exactly like that step's
//! (image, environment, credentials, labels; the command replaced). No later step of the
//! stage runs.
//!
//! Must not know the terminal: the caller opens it through [`TerminalOpener`].

use std::sync::{Arc, Mutex};

use crate::{StageRef, TerminalOpener};

pub struct InteractiveStage {
    /// The stage whose container the user gets.
    pub stage: StageRef,
    /// What runs instead of the stage's command (it replaces the image's entrypoint, and the
    /// stage's arguments are dropped).
    pub command: Vec<String>,
    pub terminal: Arc<dyn TerminalOpener>,
    exit_status: Mutex<Option<i64>>,
}

impl InteractiveStage {
    pub fn new(stage: StageRef, command: Vec<String>, terminal: Arc<dyn TerminalOpener>) -> Self {
        Self { stage, command, terminal, exit_status: Mutex::new(None) }
    }

    /// The exit status of the session, once it ended; `None` when it never started (a stage
    /// before it failed, the run was interrupted, the engine refused).
    pub fn exit_status(&self) -> Option<i64> {
        *self.exit_status.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn ended(&self, status: i64) {
        *self.exit_status.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(status);
    }
}
