//! [`ContainerEvent`]: what a backend reports while a container runs.
//!
//! Must not hold engine types nor the final result; the exit code is the return value of
//! [`ContainerRunner::run`](crate::ContainerRunner::run).

use crate::OutputStream;

/// Something that happened while a container ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerEvent {
    /// The container was created and started.
    Started {
        /// The engine's ID for the container, for the user to inspect it while it runs.
        container_id: String,
    },
    /// The container wrote a line of output (without its line ending).
    Output {
        /// Where the line was written.
        stream: OutputStream,
        /// The line.
        line: String,
    },
}
