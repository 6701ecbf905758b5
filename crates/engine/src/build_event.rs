//! [`BuildEvent`]: the progress a backend reports while it builds an image.
//!
//! Must not hold engine types (BuildKit vertex digests, Docker JSON messages) nor decide how
//! progress is shown; backends translate into it and consumers render it.

use std::time::Duration;

use crate::OutputStream;

/// Identifies one step of a build within that build's events.
///
/// Backends number steps in the order they first report them, starting at 0. Numbers are
/// only meaningful within one build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepId(pub u32);

/// Something that happened during an image build.
///
/// For each step, `StepStarted` comes first, then any number of `StepLog`s, then exactly one
/// of `StepFinished` or `StepFailed`. Steps of different stages may interleave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildEvent {
    /// A step began, e.g. `[2/4] RUN npm ci` or `[internal] load build context`.
    StepStarted {
        /// The step.
        step: StepId,
        /// The engine's name for it, usually the instruction with its stage position.
        name: String,
    },
    /// A step wrote a line of output (without its line ending).
    StepLog {
        /// The step.
        step: StepId,
        /// Where the line was written.
        stream: OutputStream,
        /// The line.
        line: String,
    },
    /// A step completed successfully.
    StepFinished {
        /// The step.
        step: StepId,
        /// Whether the result came from the build cache instead of running.
        cached: bool,
        /// How long the step took by the engine's clock (zero for most cached steps).
        duration: Duration,
    },
    /// A step failed; the build fails with it.
    StepFailed {
        /// The step.
        step: StepId,
        /// The engine's error text for the step.
        error: String,
        /// How long the step ran before failing.
        duration: Duration,
    },
    /// The engine warned about the build, e.g. a deprecated instruction.
    Warning {
        /// The step the warning is about, if the engine said.
        step: Option<StepId>,
        /// The warning text.
        message: String,
    },
}
