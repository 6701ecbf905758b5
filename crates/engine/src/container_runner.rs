//! [`ContainerRunner`]: the backend operation "run this image to completion".
//!
//! Must not keep containers around: every container it creates is removed when the run ends,
//! fails or is cancelled.

use tokio::sync::mpsc;

use crate::{ContainerEvent, EngineFuture, RunRequest};

/// Runs containers on a container engine.
pub trait ContainerRunner: Send + Sync {
    /// Creates a container from `request`, starts it, sends its output to `events` line by
    /// line, waits for it to exit and removes it. Returns the exit code; a non-zero code is
    /// `Ok` (the step failed, not the engine).
    ///
    /// Dropping the future kills and removes the container in the background. If the process
    /// dies before that happens, [`remove_leftovers`](Self::remove_leftovers) cleans up.
    fn run<'a>(
        &'a self,
        request: &'a RunRequest,
        events: mpsc::Sender<ContainerEvent>,
    ) -> EngineFuture<'a, i64>;

    /// Kills and removes every container of pipeline run `run_id` (found by its
    /// [`RUN_LABEL`](crate::RUN_LABEL)) and returns how many there were.
    fn remove_leftovers<'a>(&'a self, run_id: &'a str) -> EngineFuture<'a, usize>;
}
