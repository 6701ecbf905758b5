//! What a pipeline run asks of the real engine beyond builds: stage containers kept for
//! `copy`, files copied out of them, images pushed to the real registry with their digest, and
//! the run's cleanup by label (containers, networks, volumes, local image tags).

mod common;

use std::collections::HashMap;

use bollard::models::{NetworkCreateRequest, VolumeCreateRequest};
use bollard::query_parameters::TagImageOptionsBuilder;
use common::{BUSYBOX, docker, drain, engine_with, registry, registry_get, run_id};
use gantry_engine::pipeline_run::local_image_prefix;
use gantry_engine::{ImageId, ImagePublisher, RUN_LABEL, RunCleanup, RunRequest, StageContainers};
use tokio::sync::mpsc;

async fn container_exists(id: &str) -> bool {
    docker().inspect_container(id, None).await.is_ok()
}

#[tokio::test]
async fn kept_containers_give_their_files_like_docker_cp_and_the_cleanup_removes_them() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let run = run_id("copy");
    let mut request = RunRequest::new(&run, BUSYBOX);
    request.command = Some(vec![
        "sh".into(),
        "-c".into(),
        "mkdir -p /out/sub && echo a > /out/a.txt && echo b > /out/sub/b.txt && echo report > /report.xml".into(),
    ]);
    let (sender, receiver) = mpsc::channel(64);
    let kept = engine.run_kept(&request, sender).await.unwrap();
    drain(receiver).await;
    assert_eq!(kept.exit_code, 0);
    assert!(
        container_exists(&kept.container_id).await,
        "the stopped container stays for copy"
    );

    let dir = tempfile::tempdir().unwrap();
    let whole = engine
        .copy_out(&kept.container_id, "/out", &dir.path().join("whole"))
        .await
        .unwrap();
    assert_eq!(whole.len(), 2, "{whole:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("whole/sub/b.txt")).unwrap(),
        "b\n"
    );
    engine
        .copy_out(&kept.container_id, "/out/", &dir.path().join("contents"))
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("contents/a.txt")).unwrap(),
        "a\n"
    );
    engine
        .copy_out(
            &kept.container_id,
            "/report.xml",
            &dir.path().join("r/report.xml"),
        )
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r/report.xml")).unwrap(),
        "report\n"
    );
    let missing = engine
        .copy_out(&kept.container_id, "/nowhere", &dir.path().join("n"))
        .await;
    assert!(missing.is_err());

    let removed = engine.remove_run(&run, &[]).await.unwrap();
    assert_eq!(removed.containers, 1);
    assert!(!container_exists(&kept.container_id).await);
}

#[tokio::test]
async fn the_cleanup_removes_networks_volumes_and_local_tags_of_the_run_only() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let run = run_id("cleanup");
    let labels = HashMap::from([(RUN_LABEL.to_owned(), run.clone())]);
    let docker = docker();
    let network = NetworkCreateRequest {
        name: run.clone(),
        labels: Some(labels.clone()),
        ..Default::default()
    };
    docker.create_network(network).await.unwrap();
    let volume = VolumeCreateRequest {
        name: Some(run.clone()),
        labels: Some(labels),
        ..Default::default()
    };
    docker.create_volume(volume).await.unwrap();
    let repository = format!("{}pipeline-stage", local_image_prefix(&run));
    docker
        .tag_image(
            BUSYBOX,
            Some(
                TagImageOptionsBuilder::default()
                    .repo(&repository)
                    .tag("latest")
                    .build(),
            ),
        )
        .await
        .unwrap();
    let mut keep_request = RunRequest::new(&run, BUSYBOX);
    keep_request.command = Some(vec!["true".into()]);
    let (sender, receiver) = mpsc::channel(8);
    let kept = engine.run_kept(&keep_request, sender).await.unwrap();
    drain(receiver).await;

    let removed = engine
        .remove_run(&run, std::slice::from_ref(&kept.container_id))
        .await
        .unwrap();
    assert_eq!(
        (
            removed.containers,
            removed.networks,
            removed.volumes,
            removed.images
        ),
        (0, 1, 1, 1)
    );
    assert!(docker.inspect_network(&run, None).await.is_err());
    assert!(docker.inspect_volume(&run).await.is_err());
    assert!(docker.inspect_image(&repository).await.is_err());
    assert!(
        docker.inspect_image(BUSYBOX).await.is_ok(),
        "the base image keeps its own tag"
    );
    assert!(
        container_exists(&kept.container_id).await,
        "a container in `keep` stays"
    );
    assert_eq!(engine.remove_run(&run, &[]).await.unwrap().containers, 1);
}

#[tokio::test]
async fn publishing_pushes_to_the_real_registry_and_returns_the_manifest_digest() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let Some(registry) = registry() else { return };
    let image = docker().inspect_image(BUSYBOX).await.unwrap().id.unwrap();
    let repository = format!("{registry}/gantry-test/publish");
    let tag = run_id("tag");
    let digest = engine
        .publish(&ImageId::new(image), &repository, &tag, None)
        .await
        .unwrap();
    assert!(digest.starts_with("sha256:"), "{digest}");

    let (status, _, body) = registry_get("/v2/gantry-test/publish/tags/list").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains(&tag), "{body}");
    let (status, headers, _) =
        registry_get(&format!("/v2/gantry-test/publish/manifests/{tag}")).unwrap();
    assert_eq!(status, 200);
    let stored = headers
        .iter()
        .find(|(name, _)| name == "docker-content-digest")
        .map(|(_, v)| v.as_str());
    assert_eq!(stored, Some(digest.as_str()));
    let _ = docker()
        .remove_image(
            &format!("{repository}:{tag}"),
            None::<bollard::query_parameters::RemoveImageOptions>,
            None,
        )
        .await;
}
