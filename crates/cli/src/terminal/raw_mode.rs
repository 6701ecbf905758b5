//! [`RawMode`]: the local terminal in raw mode (no echo, no line editing, no signals from
//! Ctrl-C) for as long as the value lives, so that every keystroke goes to the container's
//! terminal, which does its own echoing and line editing.
//!
//! It must not read or write the terminal's data, only its mode.

use std::io::IsTerminal;

use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};

/// Raw mode on standard input; dropping it restores the mode it replaced.
pub struct RawMode {
    original: Termios,
}

impl RawMode {
    /// Switches standard input to raw mode; `None` when it is not a terminal (piped input
    /// needs no mode) or refuses the change.
    pub fn enable() -> Option<RawMode> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let original = tcgetattr(&stdin).ok()?;
        let mut raw = original.clone();
        raw.make_raw();
        tcsetattr(&stdin, OptionalActions::Now, &raw).ok()?;
        Some(RawMode { original })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal went away meanwhile.
        let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &self.original);
    }
}
