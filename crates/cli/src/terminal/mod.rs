//! The local terminal during an interactive session (`gantry shell`): raw mode while the
//! session lasts, keystrokes and window sizes in, the container's bytes out — bridged to the
//! engine's [`TerminalIo`](gantry_engine::TerminalIo) channels.
//!
//! Only this module changes terminal modes, and it must restore them however the session
//! ends. It must not know containers or engines: it only feeds and drains channels.

mod local_terminal;
mod raw_mode;
mod terminal_bridge;

pub use local_terminal::LocalTerminal;
pub use raw_mode::RawMode;
pub use terminal_bridge::TerminalBridge;
