//! [`TerminalIo`]: the user's end of an interactive container — keystrokes in, screen bytes
//! out, window sizes — as channels, so that backends never touch a terminal.
//!
//! This module must not read or write a terminal, nor set terminal modes: the CLI owns the
//! terminal (raw mode, window-size signals) and feeds these channels.

use tokio::sync::mpsc;

use crate::OutputStream;

/// The size of a terminal window in character cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TerminalSize {
    pub rows: u16,
    pub columns: u16,
}

/// Both directions of an interactive container session.
#[derive(Debug)]
pub struct TerminalIo {
    /// What the user types (or pipes in). When every sender is gone, the container's standard
    /// input is closed.
    pub input: mpsc::Receiver<Vec<u8>>,
    /// What the container writes. With a terminal everything arrives as
    /// [`OutputStream::Stdout`], as on a real terminal; without one the streams stay apart.
    pub output: mpsc::Sender<(OutputStream, Vec<u8>)>,
    /// The window's size, if the user has a terminal; `None` runs the container without one
    /// (piped input, scripted use).
    pub size: Option<TerminalSize>,
    /// Later window sizes, as the user resizes the window.
    pub resizes: mpsc::Receiver<TerminalSize>,
}

/// Opens the user's end of a session at the moment a container is ready to attach to it — not
/// earlier, so that the user's terminal stays as it is while the stages before it run.
pub trait TerminalOpener: Send + Sync {
    /// The session's channels. The session is over when the returned [`OpenTerminal`] is
    /// dropped; the caller then gives its terminal back (e.g. leaves raw mode).
    fn open(&self) -> OpenTerminal;
}

/// A session's channels, and what gives the user's terminal back when it is dropped.
pub struct OpenTerminal {
    pub io: TerminalIo,
    /// Dropped when the session ends, however it ends.
    pub release: Box<dyn Send>,
}
