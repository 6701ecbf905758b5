//! [`TerminalBridge`]: connects the process's standard streams to an interactive container
//! session — standard input to the session's input, the session's output to standard output
//! and error, window-size changes (`SIGWINCH`) to resizes.
//!
//! It must not change terminal modes ([`RawMode`](super::RawMode) does) nor end the session:
//! the container's exit ends it.

use std::io::{IsTerminal, Read, Write};

use gantry_engine::{OutputStream, TerminalIo, TerminalSize};
use rustix::termios::tcgetwinsize;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The running bridge; [`finish`](Self::finish) waits until all output is written.
pub struct TerminalBridge {
    writer: JoinHandle<()>,
    resizer: Option<JoinHandle<()>>,
}

impl TerminalBridge {
    /// Starts the bridge and returns the session's end of it. The session gets a terminal
    /// when standard input and output are both terminals.
    pub fn start() -> (TerminalBridge, TerminalIo) {
        let (input_tx, input) = mpsc::channel(64);
        let (output, output_rx) = mpsc::channel(256);
        let (resize_tx, resizes) = mpsc::channel(8);
        let size = (std::io::stdin().is_terminal() && std::io::stdout().is_terminal())
            .then(window_size)
            .flatten();
        // A plain thread: a read from a terminal blocks, and must not hold up the runtime.
        std::thread::spawn(move || read_input(input_tx));
        let writer = tokio::spawn(write_output(output_rx));
        let resizer = size.map(|_| tokio::spawn(forward_resizes(resize_tx)));
        let io = TerminalIo { input, output, size, resizes };
        (TerminalBridge { writer, resizer }, io)
    }

    /// Waits until the session's output is written, and stops watching the window.
    pub async fn finish(self) {
        let _ = self.writer.await;
        if let Some(resizer) = self.resizer {
            resizer.abort();
        }
    }
}

/// The size of the terminal on standard output, if it is one.
fn window_size() -> Option<TerminalSize> {
    let size = tcgetwinsize(std::io::stdout()).ok()?;
    (size.ws_row > 0 && size.ws_col > 0).then_some(TerminalSize { rows: size.ws_row, columns: size.ws_col })
}

fn read_input(input: mpsc::Sender<Vec<u8>>) {
    let mut stdin = std::io::stdin().lock();
    let mut buffer = [0u8; 4096];
    loop {
        match stdin.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(count) => {
                if input.blocking_send(buffer[..count].to_vec()).is_err() {
                    return;
                }
            }
        }
    }
}

async fn write_output(mut output: mpsc::Receiver<(OutputStream, Vec<u8>)>) {
    while let Some((stream, bytes)) = output.recv().await {
        // A closed terminal or pipe is no reason to stop the session; the bytes are dropped.
        let _ = match stream {
            OutputStream::Stdout => write_all(std::io::stdout().lock(), &bytes),
            OutputStream::Stderr => write_all(std::io::stderr().lock(), &bytes),
        };
    }
}

fn write_all(mut to: impl Write, bytes: &[u8]) -> std::io::Result<()> {
    to.write_all(bytes)?;
    to.flush()
}

async fn forward_resizes(resizes: mpsc::Sender<TerminalSize>) {
    let Ok(mut changes) = signal(SignalKind::window_change()) else { return };
    while changes.recv().await.is_some() {
        if let Some(size) = window_size()
            && resizes.send(size).await.is_err()
        {
            return;
        }
    }
}
