//! [`LocalTerminal`]: the process's terminal, opened for a session only when the session
//! begins ([`TerminalOpener`]) — the bridge starts and raw mode is on from then until the
//! session releases it — so that whatever runs before (the stages a shell's stage needs)
//! prints to a terminal in its usual mode.
//!
//! It must not know containers or engines: it hands out channels and takes them back.

use std::sync::Mutex;

use gantry_engine::{OpenTerminal, TerminalOpener};

use super::{RawMode, TerminalBridge};

/// The local terminal, for one session at a time.
#[derive(Default)]
pub struct LocalTerminal {
    bridge: Mutex<Option<TerminalBridge>>,
}

impl TerminalOpener for LocalTerminal {
    fn open(&self) -> OpenTerminal {
        let (bridge, io) = TerminalBridge::start();
        let raw = io.size.and_then(|_| RawMode::enable());
        *self.bridge.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(bridge);
        OpenTerminal { io, release: Box::new(raw) }
    }
}

impl LocalTerminal {
    /// Waits until the last session's output is written.
    pub async fn finish(&self) {
        let bridge = self.bridge.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(bridge) = bridge {
            bridge.finish().await;
        }
    }
}
