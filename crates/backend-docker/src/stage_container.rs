//! Stage containers that outlive their run until the pipeline run ends: run to completion
//! like [`container_run`](crate::container_run), then kept (stopped) so that files can be
//! copied out of them.
//!
//! Must not remove them itself: the pipeline run's cleanup does, by their `gantry.run` label.

use bollard::Docker;
use gantry_engine::{ContainerEvent, EngineError, KeptRun, RunRequest};
use tokio::sync::mpsc;

use crate::container_run::run_until_exit;

/// Runs `request` and keeps the stopped container.
pub(crate) async fn run_kept(
    docker: &Docker,
    request: &RunRequest,
    events: mpsc::Sender<ContainerEvent>,
) -> Result<KeptRun, EngineError> {
    let (exit_code, guard) = run_until_exit(docker, request, events).await?;
    Ok(KeptRun {
        container_id: guard.keep(),
        exit_code,
    })
}
