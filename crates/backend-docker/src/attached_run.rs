//! Runs one container attached to the user's end of a session ([`TerminalIo`]): standard
//! input open, a terminal when the user has one, window resizes forwarded, output relayed
//! as raw bytes. The container is removed when it exits, and also when the future is dropped.
//!
//! This module must not touch the local terminal (the CLI owns it) nor keep containers.

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::query_parameters::{AttachContainerOptionsBuilder, ResizeContainerTTYOptionsBuilder};
use futures_util::StreamExt;
use gantry_engine::{EngineError, OutputStream, RunRequest, TerminalIo, TerminalSize};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::api_failure::ApiFailure;
use crate::container_lifecycle::{attach_and_start, create, create_body, wait_exit_code};

/// Runs `request` connected to `io` and returns the container's exit code.
pub(crate) async fn run_attached(
    docker: &Docker,
    request: &RunRequest,
    io: TerminalIo,
) -> Result<i64, EngineError> {
    let TerminalIo {
        input,
        output,
        size,
        resizes,
    } = io;
    let mut body = create_body(request);
    body.tty = Some(size.is_some());
    body.open_stdin = Some(true);
    body.stdin_once = Some(true);
    body.attach_stdin = Some(true);
    body.attach_stdout = Some(true);
    body.attach_stderr = Some(true);
    let (id, guard) = create(docker, &request.image, body).await?;

    let attach = AttachContainerOptionsBuilder::default()
        .stream(true)
        .stdin(true)
        .stdout(true)
        .stderr(true)
        .build();
    let attached = attach_and_start(docker, &id, &request.image, attach).await?;
    if let Some(size) = size {
        resize(docker, &id, size).await;
    }
    let typing = tokio::spawn(forward_input(input, attached.input));
    let relayed = relay(docker, &id, attached.output, &output, resizes).await;
    typing.abort();
    relayed?;
    let exit_code = wait_exit_code(docker, &id).await?;
    guard.remove().await?;
    Ok(exit_code)
}

/// Copies what the user types into the container until the user's input ends, then closes
/// the container's standard input.
async fn forward_input(
    mut input: mpsc::Receiver<Vec<u8>>,
    mut stdin: std::pin::Pin<Box<dyn AsyncWrite + Send>>,
) {
    while let Some(bytes) = input.recv().await {
        if stdin.write_all(&bytes).await.is_err() || stdin.flush().await.is_err() {
            return;
        }
    }
    let _ = stdin.shutdown().await;
}

/// Sends the container's output to the user and the user's window sizes to the container,
/// until the container's output ends.
async fn relay(
    docker: &Docker,
    id: &str,
    mut logs: impl futures_util::Stream<Item = Result<LogOutput, bollard::errors::Error>> + Unpin,
    output: &mpsc::Sender<(OutputStream, Vec<u8>)>,
    mut resizes: mpsc::Receiver<TerminalSize>,
) -> Result<(), EngineError> {
    let mut resizing = true;
    loop {
        tokio::select! {
            next = logs.next() => match next {
                None => return Ok(()),
                Some(chunk) => {
                    let chunk = chunk.map_err(|e| ApiFailure::from(e).engine(format!("read the output of container {id}")))?;
                    if let Some(bytes) = output_bytes(chunk) {
                        // A user who stopped reading does not stop the container.
                        let _ = output.send(bytes).await;
                    }
                }
            },
            size = resizes.recv(), if resizing => match size {
                Some(size) => resize(docker, id, size).await,
                None => resizing = false,
            },
        }
    }
}

fn output_bytes(chunk: LogOutput) -> Option<(OutputStream, Vec<u8>)> {
    match chunk {
        LogOutput::StdOut { message } | LogOutput::Console { message } => {
            Some((OutputStream::Stdout, message.to_vec()))
        }
        LogOutput::StdErr { message } => Some((OutputStream::Stderr, message.to_vec())),
        LogOutput::StdIn { .. } => None,
    }
}

/// Tells the container's terminal its new size. A container that already exited cannot be
/// resized, which is not worth reporting.
async fn resize(docker: &Docker, id: &str, size: TerminalSize) {
    let options = ResizeContainerTTYOptionsBuilder::default()
        .h(i32::from(size.rows))
        .w(i32::from(size.columns))
        .build();
    let _ = docker.resize_container_tty(id, options).await;
}
