//! [`DockerFailure`]: a bollard error reduced to the engine's status and message, and
//! worded as a [`DeployError`].
//!
//! Must not let bollard types out of the docker target.

use std::error::Error as _;

use bollard::errors::Error;

use crate::DeployError;

/// The target name in errors of the docker target.
pub(crate) const TARGET: &str = "docker";

/// What went wrong in one engine call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DockerFailure {
    /// The HTTP status the engine answered with, if it answered.
    pub(crate) status: Option<u16>,
    pub(crate) reason: String,
}

impl DockerFailure {
    pub(crate) fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    /// The object exists already (409), or is already in the asked-for state (304).
    pub(crate) fn is_already_done(&self) -> bool {
        matches!(self.status, Some(304 | 409))
    }

    /// As [`DeployError::Engine`] for `operation`.
    pub(crate) fn refused(self, operation: impl Into<String>) -> DeployError {
        DeployError::Engine { target: TARGET.into(), operation: operation.into(), reason: self.reason }
    }
}

impl From<Error> for DockerFailure {
    fn from(error: Error) -> Self {
        if let Error::DockerResponseServerError { status_code, message } = error {
            return Self { status: Some(status_code), reason: message };
        }
        let mut reason = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            if !reason.contains(&text) {
                reason = format!("{reason}: {text}");
            }
            source = cause.source();
        }
        Self { status: None, reason }
    }
}

/// Connects to the engine at `DOCKER_HOST`, or the default socket, and negotiates the API
/// version.
pub(crate) async fn connect_docker() -> Result<bollard::Docker, DeployError> {
    let endpoint = std::env::var("DOCKER_HOST")
        .ok()
        .filter(|host| !host.is_empty())
        .unwrap_or_else(|| "unix:///var/run/docker.sock".to_owned());
    let unreachable = |error: Error| DeployError::Unreachable {
        target: TARGET.into(),
        endpoint: endpoint.clone(),
        reason: DockerFailure::from(error).reason,
    };
    let docker = bollard::Docker::connect_with_host(&endpoint).map_err(unreachable)?;
    docker.negotiate_version().await.map_err(unreachable)
}
