//! [`PromoteError`]: every way a promotion can fail, each saying what to do next.
//!
//! Must not wrap process or I/O error types: they are turned into text here.

use std::path::PathBuf;

/// A failed promotion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromoteError {
    /// The request cannot be carried out as written.
    #[error("invalid promotion: {0}")]
    Invalid(String),

    /// A values file could not be read as YAML, or not edited without rewriting it.
    #[error("{file}: {message}")]
    Values { file: String, message: String },

    /// A file of the checkout could not be read or written.
    #[error("cannot use {}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },

    /// A git command failed.
    #[error("git {command} failed: {stderr}")]
    Git { command: String, stderr: String },
}

impl PromoteError {
    pub(crate) fn io(path: &std::path::Path, error: impl std::fmt::Display) -> Self {
        Self::Io { path: path.to_owned(), reason: error.to_string() }
    }
}
