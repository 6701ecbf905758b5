//! [`ContainerGuard`]: removes a container however the run that created it ends.
//!
//! A run removes its container itself when it finishes; if the run's future is dropped
//! (cancelled) first, the guard kills and removes the container in the background. It must
//! not be used for containers meant to outlive a run.

use bollard::Docker;
use bollard::query_parameters::RemoveContainerOptionsBuilder;
use gantry_engine::EngineError;

use crate::api_failure::ApiFailure;

/// Owns the removal of one container.
#[derive(Debug)]
pub(crate) struct ContainerGuard {
    armed: Option<(Docker, String)>,
}

impl ContainerGuard {
    pub(crate) fn new(docker: Docker, container_id: String) -> Self {
        Self {
            armed: Some((docker, container_id)),
        }
    }

    /// Gives up the removal: the container outlives the guard. Returns its ID.
    pub(crate) fn keep(mut self) -> String {
        self.armed.take().map(|(_, id)| id).unwrap_or_default()
    }

    /// Kills and removes the container now; afterwards dropping the guard does nothing.
    pub(crate) async fn remove(mut self) -> Result<(), EngineError> {
        match self.armed.take() {
            Some((docker, id)) => remove_container(&docker, &id)
                .await
                .map_err(|f| f.engine(format!("remove container {id}"))),
            None => Ok(()),
        }
    }
}

impl Drop for ContainerGuard {
    fn drop(&mut self) {
        let Some((docker, id)) = self.armed.take() else {
            return;
        };
        // Without a runtime (process shutting down) the container stays behind with its
        // gantry.run label, for `remove_leftovers`.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = remove_container(&docker, &id).await;
            });
        }
    }
}

/// Force-removes a container and its anonymous volumes; a container already gone counts
/// as removed.
pub(crate) async fn remove_container(docker: &Docker, id: &str) -> Result<(), ApiFailure> {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    match docker
        .remove_container(id, Some(options))
        .await
        .map_err(ApiFailure::from)
    {
        Err(failure) if !failure.is_not_found() => Err(failure),
        _ => Ok(()),
    }
}
