//! [`OutputStream`]: which of a process's output streams a line came from.
//!
//! Must not carry the line itself; events pair it with the text.

/// The stream a line of process output was written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}
