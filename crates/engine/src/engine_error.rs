//! [`EngineError`]: every way a backend operation can fail, each saying what to do next.
//!
//! Must not wrap engine-specific error types: backends turn them into text here, so that
//! nothing outside the backend crate depends on its client library. Rendering (colours,
//! exit codes) belongs to the CLI.

use std::fmt::Write as _;
use std::path::PathBuf;

/// A failed backend operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// No engine answers at the configured address.
    #[error(
        "cannot reach the Docker engine at {endpoint}: {reason} — run scripts/setup-engine.sh, \
         or set DOCKER_HOST to an engine that is running"
    )]
    Unreachable {
        /// The address tried, e.g. `unix:///var/run/docker.sock`.
        endpoint: String,
        /// Why the connection failed.
        reason: String,
    },

    /// The engine answers but is too old for what gantry needs.
    #[error(
        "the Docker engine at {endpoint} speaks API {api_version}, gantry needs at least \
         {minimum} (Docker 18.09 with BuildKit) — upgrade the engine"
    )]
    UnsupportedEngine {
        /// The address of the engine.
        endpoint: String,
        /// The newest API version the engine supports.
        api_version: String,
        /// The oldest API version gantry works with.
        minimum: String,
    },

    /// The build context directory could not be read or packed.
    #[error(
        "cannot read the build context {}: {reason} — check that the directory exists and \
         that gantry may read every file in it, or exclude the file in .dockerignore",
        path.display()
    )]
    BuildContext {
        /// The file or directory that failed.
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// The engine ran the build and it failed, e.g. a `RUN` exited non-zero or the
    /// Dockerfile did not parse.
    #[error("{}", build_failed_message(step.as_deref(), message, log_tail))]
    BuildFailed {
        /// The name of the failed step, if the engine said which one failed.
        step: Option<String>,
        /// The engine's error text.
        message: String,
        /// The last lines the failed step wrote, oldest first.
        log_tail: Vec<String>,
    },

    /// An image the operation needs is not in the engine.
    #[error(
        "image {image} is not in the Docker engine — build it first, or create the local base \
         images with scripts/setup-base-images.sh (gantry never pulls)"
    )]
    ImageNotFound {
        /// The image reference as given.
        image: String,
    },

    /// The CA bundle given for builds behind a TLS-intercepting proxy is unusable.
    #[error(
        "the CA bundle cannot be used: {reason} — give gantry a PEM file of certificates, \
         such as /etc/ssl/certs/ca-certificates.crt"
    )]
    CaBundle {
        /// What is wrong with it.
        reason: String,
    },

    /// The engine refused or failed a request; `action` says which.
    #[error("the Docker engine failed to {action}: {reason}")]
    Engine {
        /// What gantry asked for, e.g. `create a container from gantry.local/app:test`.
        action: String,
        /// The engine's answer.
        reason: String,
    },
}

fn build_failed_message(step: Option<&str>, message: &str, log_tail: &[String]) -> String {
    let mut text = match step {
        Some(step) => format!("build failed at step `{step}`: {message}"),
        None => format!("build failed: {message}"),
    };
    if !log_tail.is_empty() {
        text.push_str("\nlast output of the step:");
        for line in log_tail {
            let _ = write!(text, "\n  | {line}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_failure_shows_step_message_and_output_tail() {
        let error = EngineError::BuildFailed {
            step: Some("[2/2] RUN make".into()),
            message: "exit code: 2".into(),
            log_tail: vec!["cc -c main.c".into(), "main.c:1: error".into()],
        };
        assert_eq!(
            error.to_string(),
            "build failed at step `[2/2] RUN make`: exit code: 2\n\
             last output of the step:\n  | cc -c main.c\n  | main.c:1: error"
        );
    }

    #[test]
    fn build_failure_without_step_or_output_is_one_line() {
        let error = EngineError::BuildFailed {
            step: None,
            message: "dockerfile parse error line 1: unknown instruction: FORM".into(),
            log_tail: Vec::new(),
        };
        assert_eq!(
            error.to_string(),
            "build failed: dockerfile parse error line 1: unknown instruction: FORM"
        );
    }

    #[test]
    fn unreachable_engine_says_what_to_run() {
        let error = EngineError::Unreachable {
            endpoint: "unix:///var/run/docker.sock".into(),
            reason: "No such file or directory".into(),
        };
        assert!(error.to_string().starts_with(
            "cannot reach the Docker engine at unix:///var/run/docker.sock: No such file or \
             directory — run scripts/setup-engine.sh"
        ));
    }
}
