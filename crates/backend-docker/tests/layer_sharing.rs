//! Image layers shared through the registry with BuildKit's inline cache, on the real engine
//! and registry: a build pushed with inline cache metadata gives its layers to a later build
//! that names it in `cache_from` after the engine lost its own cache of those layers — what a
//! second machine sees. The proof is a RUN step that writes the time: reused, it keeps the
//! first build's value.

mod common;

use std::collections::HashMap;

use bollard::query_parameters::{PruneBuildOptionsBuilder, RemoveImageOptionsBuilder};
use common::{BUSYBOX, REGISTRY, context, docker, drain, engine_with, registry, run_id};
use gantry_backend_docker::DockerEngine;
use gantry_engine::{BuildRequest, ContainerEvent, ContainerRunner, ImageBuilder, ImageId, ImagePublisher, RunRequest};
use tokio::sync::mpsc;

async fn build(engine: &DockerEngine, request: &BuildRequest) -> ImageId {
    let (sender, receiver) = mpsc::channel(1024);
    let events = tokio::spawn(drain(receiver));
    let id = engine.build(request, sender).await.expect("the build succeeds");
    events.await.unwrap();
    id
}

/// What `cat /stamp` prints in `image`.
async fn stamp(engine: &DockerEngine, image: &ImageId, run: &str) -> String {
    let mut request = RunRequest::new(run, image.as_str());
    request.command = Some(vec!["cat".into(), "/stamp".into()]);
    let (sender, receiver) = mpsc::channel(64);
    let events = tokio::spawn(drain(receiver));
    assert_eq!(engine.run(&request, sender).await.unwrap(), 0);
    let lines: Vec<String> = events
        .await
        .unwrap()
        .into_iter()
        .filter_map(|event| match event {
            ContainerEvent::Output { line, .. } => Some(line),
            ContainerEvent::Started { .. } => None,
        })
        .collect();
    lines.join("\n")
}

/// Makes the engine forget `image` and its build cache records mentioning `token` — a
/// targeted prune: other builds' caches stay.
async fn forget(image: &ImageId, token: &str) {
    let docker = docker();
    let _ = docker.remove_image(image.as_str(), Some(RemoveImageOptionsBuilder::new().force(true).build()), None).await;
    // The record can show up a moment after the build returned: ask a few times.
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids = cache_records(token);
        if !ids.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!ids.is_empty(), "the RUN step has a build cache record");
    for id in ids {
        let filters = HashMap::from([("id", vec![id.as_str()])]);
        docker.prune_build(Some(PruneBuildOptionsBuilder::new().filters(&filters).build())).await.expect("a targeted prune");
    }
}

/// The IDs of the engine's build cache records whose description mentions `token`.
fn cache_records(token: &str) -> Vec<String> {
    // bollard's disk-usage model is newer than Docker 20.10's answer: read it as JSON.
    let usage = std::process::Command::new("curl")
        .args(["-sS", "--unix-socket", "/var/run/docker.sock", "http://localhost/system/df"])
        .output()
        .expect("curl runs");
    let usage: serde_json::Value = serde_json::from_slice(&usage.stdout).expect("the engine's disk usage");
    usage["BuildCache"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|record| record["Description"].as_str().is_some_and(|d| d.contains(token)))
        .filter_map(|record| record["ID"].as_str().map(str::to_owned))
        .collect()
}

/// The tests here prune build cache records; one at a time, so that a prune never runs
/// while the other test reads the engine's disk usage.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn layers_pushed_with_inline_cache_are_reused_by_a_build_that_lost_its_own_cache() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    if registry().is_none() {
        return;
    }
    let token = run_id("layers");
    let dockerfile = format!("FROM {BUSYBOX}\nRUN echo {token} > /token && date +%s%N > /stamp\n");
    let dir = context(&[("README", "layers")]);
    let repository = format!("{REGISTRY}/gantry-test/layers-{token}");

    let mut first = BuildRequest::new(&dockerfile, dir.path());
    first.inline_cache = true;
    let first_id = build(&engine, &first).await;
    let first_stamp = stamp(&engine, &first_id, &token).await;
    engine.publish(&first_id, &repository, "ci", None).await.expect("the push");
    forget(&first_id, &token).await;

    // Without the registry the step runs again: the engine's own cache is really gone.
    let alone = build(&engine, &BuildRequest::new(&dockerfile, dir.path())).await;
    assert_ne!(stamp(&engine, &alone, &token).await, first_stamp, "the local cache was forgotten");
    forget(&alone, &token).await;

    let mut second = BuildRequest::new(&dockerfile, dir.path());
    second.cache_from = vec![format!("{repository}:ci")];
    let second_id = build(&engine, &second).await;
    assert_eq!(stamp(&engine, &second_id, &token).await, first_stamp, "the RUN layer came from the registry");
    forget(&second_id, &token).await;
}

#[tokio::test]
async fn a_cache_from_image_that_does_not_exist_is_skipped() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let token = run_id("nolayers");
    let dir = context(&[("README", "no layers")]);
    let mut request = BuildRequest::new(format!("FROM {BUSYBOX}\nRUN echo {token} > /stamp\n"), dir.path());
    request.cache_from = vec![format!("{REGISTRY}/gantry-test/never-pushed-{token}:ci")];
    let id = build(&engine, &request).await;
    assert_eq!(stamp(&engine, &id, &token).await, token);
    forget(&id, &token).await;
}
