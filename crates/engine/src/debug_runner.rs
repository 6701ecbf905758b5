//! [`DebugRunner`]: the backend operations behind `gantry shell`, `gantry ps` and
//! `gantry clean` — a container attached to the user's terminal, and the containers failed
//! runs kept.
//!
//! Must not know the terminal (it speaks through [`TerminalIo`] channels) nor decide what a
//! stage's container looks like: callers build the [`RunRequest`], as the executor does.

use crate::{EngineFuture, KeptContainer, RunRequest, TerminalIo};

/// Interactive containers and kept containers on a container engine.
pub trait DebugRunner: Send + Sync {
    /// Creates a container from `request` with standard input open (and a terminal when
    /// `io.size` is set), connects it to `io` until it exits, removes it and returns its exit
    /// code. Dropping the future removes the container too.
    fn run_attached<'a>(&'a self, request: &'a RunRequest, io: TerminalIo) -> EngineFuture<'a, i64>;

    /// Every container a failed run kept (labelled [`KEPT_LABEL`](crate::KEPT_LABEL)),
    /// newest first.
    fn kept_containers(&self) -> EngineFuture<'_, Vec<KeptContainer>>;

    /// Runs `command` attached to `io` on a snapshot of `kept`'s filesystem, with the user,
    /// environment and working directory its failed command had. The snapshot and the new
    /// container are removed afterwards; `kept` itself is left as it was.
    fn reopen_kept<'a>(&'a self, kept: &'a KeptContainer, command: Vec<String>, io: TerminalIo) -> EngineFuture<'a, i64>;

    /// Removes the kept containers `ids`; returns how many were removed.
    fn remove_kept<'a>(&'a self, ids: &'a [String]) -> EngineFuture<'a, usize>;
}
