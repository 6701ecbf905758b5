//! Removes what one pipeline run created on the engine, found by its `gantry.run=<id>`
//! label: containers (killed first), networks and volumes; and the local image tags the run's
//! builds got (`localhost/gantry-<run>/…`).
//!
//! Must not touch anything without the run's label or outside the run's tag prefix. A
//! container the engine is already removing counts as removed.

use std::collections::HashMap;

use bollard::Docker;
use bollard::query_parameters::{
    ListImagesOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
    RemoveImageOptionsBuilder, RemoveVolumeOptionsBuilder,
};
use gantry_engine::pipeline_run::local_image_prefix;
use gantry_engine::{EngineError, RUN_LABEL, RemovedResources};

use crate::api_failure::ApiFailure;
use crate::container_guard::remove_container;
use crate::container_lifecycle::containers_labelled;

/// Removes everything run `run_id` created except the containers in `keep`.
pub(crate) async fn remove_run(
    docker: &Docker,
    run_id: &str,
    keep: &[String],
) -> Result<RemovedResources, EngineError> {
    let action = || format!("remove what run {run_id} created");
    let failed = |failure: ApiFailure| failure.engine(action());
    let label = format!("{RUN_LABEL}={run_id}");
    let containers = remove_containers(docker, &label, keep)
        .await
        .map_err(failed)?;
    // Once no container uses them, networks, volumes and image tags are independent.
    let (networks, volumes, images) = tokio::join!(
        remove_networks(docker, &label),
        remove_volumes(docker, &label),
        remove_image_tags(docker, run_id)
    );
    let (networks, volumes, images) = (
        networks.map_err(failed)?,
        volumes.map_err(failed)?,
        images.map_err(failed)?,
    );
    Ok(RemovedResources {
        containers,
        networks,
        volumes,
        images,
    })
}

/// What a run that executed no stage created: the same labelled containers, networks and
/// volumes (none, normally), and exactly the local image tags `tags` — no search of the
/// engine's images.
pub(crate) async fn remove_restored_run(
    docker: &Docker,
    run_id: &str,
    tags: &[String],
) -> Result<RemovedResources, EngineError> {
    let failed = |failure: ApiFailure| failure.engine(format!("remove what run {run_id} created"));
    let label = format!("{RUN_LABEL}={run_id}");
    let prefix = local_image_prefix(run_id);
    let containers = remove_containers(docker, &label, &[])
        .await
        .map_err(failed)?;
    let (networks, volumes) = tokio::join!(
        remove_networks(docker, &label),
        remove_volumes(docker, &label)
    );
    let (networks, volumes) = (networks.map_err(failed)?, volumes.map_err(failed)?);
    let mut images = 0;
    for tag in tags.iter().filter(|tag| tag.starts_with(&prefix)) {
        let options = RemoveImageOptionsBuilder::default().build();
        let removed = docker
            .remove_image(tag, Some(options), None)
            .await
            .map(|_| ())
            .map_err(ApiFailure::from);
        tolerate_gone(removed).map_err(failed)?;
        images += 1;
    }
    Ok(RemovedResources {
        containers,
        networks,
        volumes,
        images,
    })
}

async fn remove_containers(
    docker: &Docker,
    label: &str,
    keep: &[String],
) -> Result<usize, ApiFailure> {
    let mut removed = 0;
    for summary in containers_labelled(docker, label.to_owned()).await? {
        let Some(id) = summary.id.filter(|id| !keep.contains(id)) else {
            continue;
        };
        tolerate_gone(remove_container(docker, &id).await)?;
        removed += 1;
    }
    Ok(removed)
}

async fn remove_networks(docker: &Docker, label: &str) -> Result<usize, ApiFailure> {
    let options = ListNetworksOptionsBuilder::default()
        .filters(&label_filter(label))
        .build();
    let mut removed = 0;
    for network in docker.list_networks(Some(options)).await? {
        let Some(id) = network.id else { continue };
        tolerate_gone(docker.remove_network(&id).await.map_err(ApiFailure::from))?;
        removed += 1;
    }
    Ok(removed)
}

async fn remove_volumes(docker: &Docker, label: &str) -> Result<usize, ApiFailure> {
    let options = ListVolumesOptionsBuilder::default()
        .filters(&label_filter(label))
        .build();
    let volumes = docker
        .list_volumes(Some(options))
        .await?
        .volumes
        .unwrap_or_default();
    let mut removed = 0;
    for volume in volumes {
        let options = RemoveVolumeOptionsBuilder::default().force(true).build();
        tolerate_gone(
            docker
                .remove_volume(&volume.name, Some(options))
                .await
                .map_err(ApiFailure::from),
        )?;
        removed += 1;
    }
    Ok(removed)
}

/// Untags `localhost/gantry-<run>/…`; an image left without tags is deleted, as
/// PipelineLib's teardown deletes the images it built (the build cache stays).
async fn remove_image_tags(docker: &Docker, run_id: &str) -> Result<usize, ApiFailure> {
    let prefix = local_image_prefix(run_id);
    let filters = HashMap::from([("reference".to_owned(), vec![format!("{prefix}*")])]);
    let options = ListImagesOptionsBuilder::default()
        .filters(&filters)
        .build();
    let mut removed = 0;
    for image in docker.list_images(Some(options)).await? {
        for tag in image
            .repo_tags
            .iter()
            .filter(|tag| tag.starts_with(&prefix))
        {
            let options = RemoveImageOptionsBuilder::default().build();
            tolerate_gone(
                docker
                    .remove_image(tag, Some(options), None)
                    .await
                    .map(|_| ())
                    .map_err(ApiFailure::from),
            )?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn label_filter(label: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_owned(), vec![label.to_owned()])])
}

/// Something already gone (404) or being removed by someone else (409) counts as removed.
fn tolerate_gone(result: Result<(), ApiFailure>) -> Result<(), ApiFailure> {
    match result {
        Err(failure) if !matches!(failure.status, Some(404 | 409)) => Err(failure),
        _ => Ok(()),
    }
}
