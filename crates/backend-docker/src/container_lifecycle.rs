//! The steps every gantry container goes through, shared by runs to completion
//! (`container_run`) and attached runs (`attached_run`): its create body from a
//! [`RunRequest`], creation under a [`ContainerGuard`], attaching before the start, waiting
//! for its exit code; and finding containers by label.
//!
//! This module must not attach, stream or decide whether a container is kept.

use std::collections::HashMap;

use bollard::Docker;
use bollard::container::AttachContainerResults;
use bollard::errors::Error;
use bollard::models::{ContainerCreateBody, ContainerSummary};
use bollard::query_parameters::{
    AttachContainerOptions, CreateContainerOptions, ListContainersOptionsBuilder,
    StartContainerOptions, WaitContainerOptionsBuilder,
};
use futures_util::StreamExt;
use gantry_engine::{EngineError, RUN_LABEL, RunRequest};

use crate::api_failure::ApiFailure;
use crate::container_guard::ContainerGuard;

/// The engine's create body for `request`: its image, command, environment, user, working
/// directory and labels, the run label always set. No terminal, no standard input.
pub(crate) fn create_body(request: &RunRequest) -> ContainerCreateBody {
    let mut labels: HashMap<String, String> = request.labels.clone().into_iter().collect();
    labels.insert(RUN_LABEL.to_owned(), request.run_id.clone());
    ContainerCreateBody {
        image: Some(request.image.clone()),
        entrypoint: request.entrypoint.clone(),
        cmd: request.command.clone(),
        env: Some(
            request
                .env
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
        ),
        user: request.user.clone(),
        working_dir: request.workdir.clone(),
        labels: Some(labels),
        tty: Some(false),
        ..ContainerCreateBody::default()
    }
}

/// Creates a container from `body` (made for `image`) and returns its ID with the guard that
/// removes it.
pub(crate) async fn create(
    docker: &Docker,
    image: &str,
    body: ContainerCreateBody,
) -> Result<(String, ContainerGuard), EngineError> {
    let created = docker
        .create_container(None::<CreateContainerOptions>, body)
        .await
        .map_err(ApiFailure::from)
        .map_err(|failure| match failure.is_not_found() {
            true => EngineError::ImageNotFound {
                image: image.to_owned(),
            },
            false => failure.engine(format!("create a container from {image}")),
        })?;
    let guard = ContainerGuard::new(docker.clone(), created.id.clone());
    Ok((created.id, guard))
}

/// Attaches to container `id` with `options`, then starts it: attached before the start, as
/// `docker run` does, so that no output is missed.
pub(crate) async fn attach_and_start(
    docker: &Docker,
    id: &str,
    image: &str,
    options: AttachContainerOptions,
) -> Result<AttachContainerResults, EngineError> {
    let attached = docker
        .attach_container(id, Some(options))
        .await
        .map_err(|e| ApiFailure::from(e).engine(format!("attach to container {id}")))?;
    docker
        .start_container(id, None::<StartContainerOptions>)
        .await
        .map_err(|e| ApiFailure::from(e).engine(format!("start a container from {image}")))?;
    Ok(attached)
}

/// Every container, running or not, that carries `label` (`name` or `name=value`).
pub(crate) async fn containers_labelled(
    docker: &Docker,
    label: String,
) -> Result<Vec<ContainerSummary>, ApiFailure> {
    let filters = HashMap::from([("label".to_owned(), vec![label])]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    docker
        .list_containers(Some(options))
        .await
        .map_err(ApiFailure::from)
}

/// Waits until container `id` is no longer running and returns its exit code.
pub(crate) async fn wait_exit_code(docker: &Docker, id: &str) -> Result<i64, EngineError> {
    let wait = WaitContainerOptionsBuilder::default()
        .condition("not-running")
        .build();
    match docker.wait_container(id, Some(wait)).next().await {
        Some(Ok(response)) => Ok(response.status_code),
        Some(Err(Error::DockerContainerWaitError { code, .. })) => Ok(code),
        Some(Err(error)) => Err(ApiFailure::from(error).engine(format!("wait for container {id}"))),
        None => Err(EngineError::Engine {
            action: format!("wait for container {id}"),
            reason: "the engine closed the wait without an exit code".into(),
        }),
    }
}
