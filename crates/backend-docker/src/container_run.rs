//! Runs one container to completion: create, attach, start, stream output, wait, remove.
//!
//! Every container carries the `gantry.run=<run id>` label and is owned by a
//! [`ContainerGuard`] from the moment it exists, so it is removed on success, on error and
//! on cancellation. This module must not pull images or keep containers.

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::errors::Error;
use bollard::query_parameters::AttachContainerOptionsBuilder;
use futures_util::{Stream, StreamExt};
use gantry_engine::{ContainerEvent, EngineError, OutputStream, RUN_LABEL, RunRequest};
use tokio::sync::mpsc;

use crate::api_failure::ApiFailure;
use crate::container_guard::{ContainerGuard, remove_container};
use crate::container_lifecycle::{
    attach_and_start, containers_labelled, create, create_body, wait_exit_code,
};
use crate::line_splitter::LineSplitter;

/// Runs `request` and returns the container's exit code.
pub(crate) async fn run_container(
    docker: &Docker,
    request: &RunRequest,
    events: mpsc::Sender<ContainerEvent>,
) -> Result<i64, EngineError> {
    let (exit_code, guard) = run_until_exit(docker, request, events).await?;
    guard.remove().await?;
    Ok(exit_code)
}

/// Runs `request` until its container exits; returns the exit code and the guard that still
/// owns the stopped container (for runs whose container is kept).
pub(crate) async fn run_until_exit(
    docker: &Docker,
    request: &RunRequest,
    events: mpsc::Sender<ContainerEvent>,
) -> Result<(i64, ContainerGuard), EngineError> {
    let body = create_body(request);
    let (id, guard) = create(docker, &request.image, body).await?;

    // Attached, not reading logs: logs lose an unterminated last line when the container exits.
    let attach = AttachContainerOptionsBuilder::default()
        .stream(true)
        .stdout(true)
        .stderr(true)
        .build();
    let attached = attach_and_start(docker, &id, &request.image, attach).await?;
    let _ = events
        .send(ContainerEvent::Started {
            container_id: id.clone(),
        })
        .await;

    stream_output(attached.output, &id, &events).await?;

    let exit_code = wait_exit_code(docker, &id).await?;
    Ok((exit_code, guard))
}

/// Forwards the container's output line by line until it stops.
async fn stream_output(
    mut logs: impl Stream<Item = Result<LogOutput, Error>> + Unpin,
    id: &str,
    events: &mpsc::Sender<ContainerEvent>,
) -> Result<(), EngineError> {
    let mut stdout = LineSplitter::default();
    let mut stderr = LineSplitter::default();
    while let Some(output) = logs.next().await {
        let output = output.map_err(|e| {
            ApiFailure::from(e).engine(format!("read the output of container {id}"))
        })?;
        let (stream, splitter, message) = match output {
            LogOutput::StdOut { message } | LogOutput::Console { message } => {
                (OutputStream::Stdout, &mut stdout, message)
            }
            LogOutput::StdErr { message } => (OutputStream::Stderr, &mut stderr, message),
            LogOutput::StdIn { .. } => continue,
        };
        for line in splitter.push(&message) {
            let _ = events.send(ContainerEvent::Output { stream, line }).await;
        }
    }
    for (stream, splitter) in [
        (OutputStream::Stdout, &mut stdout),
        (OutputStream::Stderr, &mut stderr),
    ] {
        if let Some(line) = splitter.finish() {
            let _ = events.send(ContainerEvent::Output { stream, line }).await;
        }
    }
    Ok(())
}

/// Removes every container labelled `gantry.run=<run_id>`; returns how many there were.
pub(crate) async fn remove_leftovers(docker: &Docker, run_id: &str) -> Result<usize, EngineError> {
    let action = || format!("remove the containers of run {run_id}");
    let containers = containers_labelled(docker, format!("{RUN_LABEL}={run_id}"))
        .await
        .map_err(|f| f.engine(action()))?;
    let mut removed = 0;
    for id in containers.into_iter().filter_map(|c| c.id) {
        remove_container(docker, &id)
            .await
            .map_err(|f| f.engine(action()))?;
        removed += 1;
    }
    Ok(removed)
}
