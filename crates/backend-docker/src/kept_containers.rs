//! Containers kept by failed runs (labelled `gantry.kept=<run id>`): listing them, opening a
//! command on a snapshot of one, removing them.
//!
//! A kept container is never started again and never changed: a shell runs in a new
//! container made from a committed snapshot of its filesystem, so that every `gantry shell
//! --failed` sees the state the failed command left. This module must not create kept
//! containers (the run does) nor remove anything that lacks gantry's labels.

use std::collections::{BTreeMap, HashMap};

use bollard::Docker;
use bollard::models::{ContainerConfig, ContainerSummary};
use bollard::query_parameters::{
    CommitContainerOptionsBuilder, InspectContainerOptions, ListImagesOptionsBuilder,
    RemoveImageOptionsBuilder,
};
use gantry_engine::pipeline_run::local_image_prefix;
use gantry_engine::{
    EngineError, KEPT_LABEL, KeptContainer, PIPELINE_LABEL, RunRequest, STAGE_LABEL, StageRef,
    TerminalIo, Timestamp,
};

use crate::api_failure::ApiFailure;
use crate::attached_run::run_attached;
use crate::container_guard::remove_container;
use crate::container_lifecycle::containers_labelled;

/// The label on a container opened on a kept container's snapshot, with the kept
/// container's ID; such a container is not itself kept, though it inherits the labels.
const SHELL_LABEL: &str = "gantry.shell-of";
/// The label on a snapshot image, with the ID of the kept container it was taken from.
const SNAPSHOT_OF_LABEL: &str = "gantry.snapshot-of";

/// Every kept container, newest first.
pub(crate) async fn list(docker: &Docker) -> Result<Vec<KeptContainer>, EngineError> {
    let containers = containers_labelled(docker, KEPT_LABEL.to_owned())
        .await
        .map_err(|f| f.engine("list the kept containers"))?;
    let mut kept: Vec<KeptContainer> = containers.into_iter().filter_map(kept_container).collect();
    kept.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    Ok(kept)
}

/// A container labelled as kept counts once its command has failed: while it runs, or after
/// it succeeded (until the run removes it), it is not kept.
fn kept_container(summary: ContainerSummary) -> Option<KeptContainer> {
    let labels = summary.labels.unwrap_or_default();
    let status = summary.status.unwrap_or_default();
    let failed = status.starts_with("Exited (") && !status.starts_with("Exited (0)");
    if labels.contains_key(SHELL_LABEL) || !failed {
        return None;
    }
    let label = |name: &str| labels.get(name).cloned().unwrap_or_default();
    Some(KeptContainer {
        id: summary.id?,
        run_id: label(KEPT_LABEL),
        stage: StageRef::new(label(PIPELINE_LABEL), label(STAGE_LABEL)),
        image: summary.image.unwrap_or_default(),
        created: summary
            .created
            .and_then(|seconds| Timestamp::from_unix_timestamp(seconds).ok()),
        status,
    })
}

/// Runs `command` on a snapshot of `kept` with its user, environment and working directory.
pub(crate) async fn reopen(
    docker: &Docker,
    kept: &KeptContainer,
    command: Vec<String>,
    io: TerminalIo,
) -> Result<i64, EngineError> {
    let config = docker
        .inspect_container(&kept.id, None::<InspectContainerOptions>)
        .await
        .map_err(|e| ApiFailure::from(e).engine(format!("inspect kept container {}", kept.id)))?
        .config
        .unwrap_or_default();
    let snapshot = commit(docker, &kept.id).await?;
    let request = snapshot_request(kept, &snapshot, config, command);
    let outcome = run_attached(docker, &request, io).await;
    // A snapshot left behind (the engine refused) carries the kept labels: `clean` finds it.
    let _ = remove_snapshot(docker, &snapshot).await;
    outcome
}

/// Commits the kept container's filesystem as an untagged image and returns its ID.
async fn commit(docker: &Docker, id: &str) -> Result<String, EngineError> {
    let options = CommitContainerOptionsBuilder::default()
        .container(id)
        .comment("gantry shell --failed: snapshot of a kept container")
        .pause(false)
        .build();
    let config = ContainerConfig {
        labels: Some(HashMap::from([(
            SNAPSHOT_OF_LABEL.to_owned(),
            id.to_owned(),
        )])),
        ..ContainerConfig::default()
    };
    let committed = docker
        .commit_container(options, config)
        .await
        .map_err(|e| ApiFailure::from(e).engine(format!("snapshot kept container {id}")))?;
    Ok(committed.id)
}

fn snapshot_request(
    kept: &KeptContainer,
    snapshot: &str,
    config: ContainerConfig,
    command: Vec<String>,
) -> RunRequest {
    let mut request = RunRequest::new(kept.run_id.clone(), snapshot);
    request.entrypoint = Some(command);
    request.env = environment(config.env.unwrap_or_default());
    request.user = config.user.filter(|user| !user.is_empty());
    request.workdir = config.working_dir.filter(|dir| !dir.is_empty());
    request.labels = BTreeMap::from([(SHELL_LABEL.to_owned(), kept.id.clone())]);
    request
}

/// `NAME=value` entries as a map; an entry without `=` is a name with an empty value.
fn environment(entries: Vec<String>) -> BTreeMap<String, String> {
    entries
        .into_iter()
        .map(|entry| match entry.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (entry, String::new()),
        })
        .collect()
}

async fn remove_snapshot(docker: &Docker, image: &str) -> Result<(), ApiFailure> {
    let options = RemoveImageOptionsBuilder::default().force(true).build();
    docker
        .remove_image(image, Some(options), None)
        .await
        .map(|_| ())
        .map_err(ApiFailure::from)
}

/// Removes the kept containers `ids`, the images only they still held (tagged, if at all,
/// with their run's local tags, which the run could not remove while the container used the
/// image), and every snapshot image a killed shell left behind.
pub(crate) async fn remove(docker: &Docker, ids: &[String]) -> Result<usize, EngineError> {
    for id in ids {
        let container = docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .ok();
        remove_container(docker, id)
            .await
            .map_err(|f| f.engine(format!("remove kept container {id}")))?;
        if let Some(container) = container {
            let labels = container.config.and_then(|c| c.labels).unwrap_or_default();
            let run_id = labels.get(KEPT_LABEL).cloned().unwrap_or_default();
            if let Some(image) = container.image {
                remove_run_image(docker, &image, &run_id).await;
            }
        }
    }
    remove_orphan_snapshots(docker).await?;
    Ok(ids.len())
}

/// Removes image `id` if no name but run `run_id`'s local tags points at it. An image in use,
/// or named otherwise, stays: it is not gantry's to remove, and not worth reporting.
async fn remove_run_image(docker: &Docker, id: &str, run_id: &str) {
    let Ok(image) = docker.inspect_image(id).await else {
        return;
    };
    let prefix = local_image_prefix(run_id);
    let tags = image.repo_tags.unwrap_or_default();
    if !tags.iter().all(|tag| tag.starts_with(&prefix)) {
        return;
    }
    let options = RemoveImageOptionsBuilder::default().build();
    for name in tags.iter().map(String::as_str).chain([id]) {
        let _ = docker.remove_image(name, Some(options.clone()), None).await;
    }
}

/// Snapshot images carry the kept labels; those whose kept container is gone are orphans.
/// One that a running shell still uses stays until the next `clean`.
async fn remove_orphan_snapshots(docker: &Docker) -> Result<(), EngineError> {
    let action = "remove the snapshots of kept containers";
    let kept: Vec<String> = list(docker).await?.into_iter().map(|k| k.id).collect();
    let filters = HashMap::from([("label".to_owned(), vec![KEPT_LABEL.to_owned()])]);
    let options = ListImagesOptionsBuilder::default()
        .filters(&filters)
        .build();
    let images = docker
        .list_images(Some(options))
        .await
        .map_err(|e| ApiFailure::from(e).engine(action))?;
    for image in images {
        let source = image
            .labels
            .get(SNAPSHOT_OF_LABEL)
            .cloned()
            .unwrap_or_default();
        if !kept.contains(&source) {
            let _ = remove_snapshot(docker, &image.id).await;
        }
    }
    Ok(())
}
