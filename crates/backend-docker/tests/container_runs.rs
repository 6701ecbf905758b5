//! Running containers on the real engine: output, exit codes, removal, cancellation.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{CreateContainerOptions, ListContainersOptionsBuilder};
use common::{BUSYBOX, docker, drain, engine, engine_with, run_id};
use gantry_backend_docker::DockerEngine;
use gantry_engine::{
    ContainerEvent, ContainerRunner, EngineError, OutputStream, RUN_LABEL, RunRequest,
};
use tokio::sync::mpsc;

/// IDs of all containers, running or not, labelled with `run_id`.
async fn containers_of(run_id: &str) -> Vec<String> {
    let filters = HashMap::from([("label".to_owned(), vec![format!("{RUN_LABEL}={run_id}")])]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let containers = docker().list_containers(Some(options)).await.unwrap();
    containers.into_iter().filter_map(|c| c.id).collect()
}

async fn run(
    engine: &DockerEngine,
    request: &RunRequest,
) -> (Result<i64, EngineError>, Vec<ContainerEvent>) {
    let (tx, rx) = mpsc::channel(1024);
    let events = tokio::spawn(drain(rx));
    let result = engine.run(request, tx).await;
    (result, events.await.unwrap())
}

#[tokio::test]
async fn runs_to_completion_with_output_exit_code_and_removal() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let mut request = RunRequest::new(run_id("exit"), BUSYBOX);
    request.command = Some(vec![
        "sh".into(),
        "-c".into(),
        "echo \"out $GREETING\"; echo err >&2; printf 'no newline'; exit 7".into(),
    ]);
    request.env.insert("GREETING".into(), "hello".into());
    request.labels.insert("gantry.test".into(), "yes".into());

    let started = Instant::now();
    let (result, events) = run(&engine, &request).await;
    eprintln!("run to completion: {:?}", started.elapsed());
    assert_eq!(result.unwrap(), 7);
    assert!(
        matches!(events.first(), Some(ContainerEvent::Started { .. })),
        "{events:#?}"
    );
    let output: Vec<(OutputStream, &str)> = events
        .iter()
        .filter_map(|e| match e {
            ContainerEvent::Output { stream, line } => Some((*stream, line.as_str())),
            ContainerEvent::Started { .. } => None,
        })
        .collect();
    assert!(
        output.contains(&(OutputStream::Stdout, "out hello")),
        "{output:?}"
    );
    assert!(
        output.contains(&(OutputStream::Stderr, "err")),
        "{output:?}"
    );
    assert!(
        output.contains(&(OutputStream::Stdout, "no newline")),
        "{output:?}"
    );
    assert!(
        containers_of(&request.run_id).await.is_empty(),
        "the container is removed"
    );
}

#[tokio::test]
async fn applies_entrypoint_user_and_workdir() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let mut request = RunRequest::new(run_id("user"), BUSYBOX);
    request.entrypoint = Some(vec!["sh".into(), "-c".into()]);
    request.command = Some(vec!["echo \"$(id -u) $(pwd)\"".into()]);
    request.user = Some("65534".into());
    request.workdir = Some("/tmp".into());
    let (result, events) = run(&engine, &request).await;
    assert_eq!(result.unwrap(), 0);
    assert!(
        events.contains(&ContainerEvent::Output {
            stream: OutputStream::Stdout,
            line: "65534 /tmp".into()
        }),
        "{events:#?}"
    );
}

#[tokio::test]
async fn dropping_the_run_removes_the_container() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let mut request = RunRequest::new(run_id("cancel"), BUSYBOX);
    request.command = Some(vec!["sleep".into(), "300".into()]);
    let (tx, mut rx) = mpsc::channel(16);
    let running = engine.run(&request, tx);
    let started = tokio::select! {
        result = running => panic!("sleep 300 ended early: {result:?}"),
        event = rx.recv() => event,
    };
    assert!(
        matches!(started, Some(ContainerEvent::Started { .. })),
        "{started:?}"
    );
    // `running` was dropped by select!: that is the cancellation.
    let cancelled = Instant::now();
    while !containers_of(&request.run_id).await.is_empty() {
        assert!(
            cancelled.elapsed() < Duration::from_secs(20),
            "the container outlived its cancelled run"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "container removed {:?} after cancellation",
        cancelled.elapsed()
    );
}

#[tokio::test]
async fn remove_leftovers_finds_containers_by_run_label() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let run_id = run_id("leftover");
    for _ in 0..2 {
        let config = ContainerCreateBody {
            image: Some(BUSYBOX.into()),
            cmd: Some(vec!["true".into()]),
            labels: Some(HashMap::from([(RUN_LABEL.to_owned(), run_id.clone())])),
            ..ContainerCreateBody::default()
        };
        docker()
            .create_container(None::<CreateContainerOptions>, config)
            .await
            .unwrap();
    }
    assert_eq!(engine.remove_leftovers(&run_id).await.unwrap(), 2);
    assert!(containers_of(&run_id).await.is_empty());
    assert_eq!(engine.remove_leftovers(&run_id).await.unwrap(), 0);
}

#[tokio::test]
async fn missing_image_is_named_in_the_error() {
    let Some(engine) = engine().await else { return };
    let request = RunRequest::new(run_id("missing"), "gantry.local/does-not-exist:1");
    let (result, _) = run(&engine, &request).await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        EngineError::ImageNotFound {
            image: "gantry.local/does-not-exist:1".into()
        }
    );
    eprintln!("{error}");
}

#[tokio::test]
async fn unreachable_engine_says_what_to_do() {
    let error = DockerEngine::connect_to("unix:///nonexistent/docker.sock")
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, EngineError::Unreachable { .. }),
        "{error:?}"
    );
    assert!(
        text.contains("unix:///nonexistent/docker.sock")
            && text.contains("scripts/setup-engine.sh"),
        "{text}"
    );
    eprintln!("{text}");
}
