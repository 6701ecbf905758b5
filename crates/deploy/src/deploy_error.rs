//! [`DeployError`]: every way a deploy operation can fail, each saying what to do next.
//!
//! A rolled-back release is not an error (it is a [`DeployOutcome`](crate::DeployOutcome)).
//! Must not wrap engine client error types: targets turn them into text here.

use std::path::PathBuf;

use crate::ReleaseNumber;

/// A failed deploy operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    /// The target's engine does not answer.
    #[error(
        "cannot reach deploy target {target} at {endpoint}: {reason} — check that it is running"
    )]
    Unreachable {
        target: String,
        endpoint: String,
        reason: String,
    },

    /// The engine answered with an error.
    #[error("deploy target {target} refused {operation}: {reason}")]
    Engine {
        target: String,
        operation: String,
        reason: String,
    },

    /// The request cannot be deployed as written.
    #[error("invalid deploy request: {0}")]
    Invalid(String),

    /// Rollback was asked for but there is nothing to go back to.
    #[error("{service} has no release to roll back to{} — deploy one first", to.map(|n| format!(" (release {n} not found)")).unwrap_or_default())]
    NoPreviousRelease {
        service: String,
        to: Option<ReleaseNumber>,
    },

    /// The service is not known on the target.
    #[error("service {service} is not deployed on {target}")]
    UnknownService { target: String, service: String },

    /// Release history could not be read or written.
    #[error("cannot use release history {}: {reason} — check the state directory", path.display())]
    History { path: PathBuf, reason: String },

    /// Another deploy or rollback of the service on this target is in progress.
    #[error("another deploy of {service} on {target} is in progress ({holder}) — wait for it to finish, then check `gantry deploy status`")]
    Busy { target: String, service: String, holder: String },

    /// The engine did not reach the expected state in time.
    #[error("timed out after {seconds} s waiting for {what}")]
    Timeout { what: String, seconds: u64 },
}
