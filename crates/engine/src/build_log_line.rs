//! [`BuildEvent::plain_line`]: a build event as one line of plain text, the way BuildKit's
//! plain progress prints it (`#3 RUN make`, `#3 DONE 1.2s`), for logs and CI output.
//!
//! Must not know terminals: live displays render events themselves.

use std::time::Duration;

use crate::BuildEvent;

impl BuildEvent {
    pub fn plain_line(&self) -> String {
        match self {
            BuildEvent::StepStarted { step, name } => format!("#{} {name}", step.0),
            BuildEvent::StepLog { step, line, .. } => format!("#{} {line}", step.0),
            BuildEvent::StepFinished {
                step, cached: true, ..
            } => format!("#{} CACHED", step.0),
            BuildEvent::StepFinished { step, duration, .. } => {
                format!("#{} DONE {}", step.0, seconds(*duration))
            }
            BuildEvent::StepFailed {
                step,
                error,
                duration,
            } => format!("#{} ERROR after {}: {error}", step.0, seconds(*duration)),
            BuildEvent::Warning { message, .. } => format!("warning: {message}"),
        }
    }
}

/// A duration as seconds with one decimal, e.g. `1.2s`.
pub fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}
