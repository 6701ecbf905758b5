//! [`ApiFailure`]: a bollard error, reduced to what gantry reports.
//!
//! Engine errors must leave this crate as [`EngineError`] text, never as bollard types.
//! This module only classifies and words them; callers pick the `EngineError` variant.

use std::error::Error as _;

use bollard::errors::Error;
use gantry_engine::EngineError;

/// What went wrong in one engine API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiFailure {
    /// The HTTP status the engine answered with, if it answered.
    pub(crate) status: Option<u16>,
    /// The engine's message, or the client error with its causes.
    pub(crate) reason: String,
}

impl ApiFailure {
    pub(crate) fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    /// As [`EngineError::Engine`] for `action`.
    pub(crate) fn engine(self, action: impl Into<String>) -> EngineError {
        EngineError::Engine {
            action: action.into(),
            reason: self.reason,
        }
    }
}

impl From<Error> for ApiFailure {
    fn from(error: Error) -> Self {
        match error {
            Error::DockerResponseServerError {
                status_code,
                message,
            } => Self {
                status: Some(status_code),
                reason: message,
            },
            other => {
                let mut reason = other.to_string();
                let mut source = other.source();
                while let Some(cause) = source {
                    let text = cause.to_string();
                    if !reason.contains(&text) {
                        reason.push_str(": ");
                        reason.push_str(&text);
                    }
                    source = cause.source();
                }
                Self {
                    status: None,
                    reason,
                }
            }
        }
    }
}
