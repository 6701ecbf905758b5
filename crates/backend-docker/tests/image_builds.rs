//! BuildKit builds on the real engine: events, image IDs, failures, `.dockerignore`.

mod common;

use std::time::Instant;

use common::{BUSYBOX, context, dir_mentions, docker, drain, engine, engine_with, image_files};
use gantry_engine::{
    BuildEvent, BuildRequest, ContainerEvent, ContainerRunner, EngineError, ImageBuilder,
    OutputStream, RunRequest,
};
use tokio::sync::mpsc;

async fn build(
    engine: &impl ImageBuilder,
    request: &BuildRequest,
) -> (Result<gantry_engine::ImageId, EngineError>, Vec<BuildEvent>) {
    let (tx, rx) = mpsc::channel(1024);
    let events = tokio::spawn(drain(rx));
    let result = engine.build(request, tx).await;
    (result, events.await.unwrap())
}

fn log_lines(events: &[BuildEvent]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            BuildEvent::StepLog { line, .. } => Some(line.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn builds_an_image_and_streams_step_events() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let dir = context(&[("hello.txt", "hello")]);
    let marker = format!("run-{}", std::process::id());
    let dockerfile = format!(
        "FROM {BUSYBOX}\nCOPY hello.txt /hello.txt\nRUN echo {marker} && cat /hello.txt > /copied\n"
    );
    let mut request = BuildRequest::new(dockerfile, dir.path());
    request.tags = vec![
        "gantry.local/test-build:1".into(),
        "gantry.local/test-build:alias".into(),
    ];
    request.labels.insert("gantry.test".into(), "yes".into());

    let started = Instant::now();
    let (result, events) = build(&engine, &request).await;
    let id = result.unwrap();
    eprintln!("cold build: {:?}", started.elapsed());

    assert!(id.as_str().starts_with("sha256:"), "{id}");
    let run_step = events
        .iter()
        .find_map(|e| match e {
            BuildEvent::StepStarted { step, name } if name.contains("RUN echo") => Some(*step),
            _ => None,
        })
        .expect("a StepStarted for the RUN");
    assert!(log_lines(&events).contains(&marker.as_str()), "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::StepFinished { step, .. } if *step == run_step))
    );

    for tag in &request.tags {
        let image = docker().inspect_image(tag).await.unwrap();
        assert_eq!(image.id.as_deref(), Some(id.as_str()), "{tag}");
        let labels = image.config.and_then(|c| c.labels).unwrap_or_default();
        assert_eq!(labels.get("gantry.test").map(String::as_str), Some("yes"));
    }

    let started = Instant::now();
    let (again, events) = build(&engine, &request).await;
    eprintln!("no-change rebuild: {:?}", started.elapsed());
    assert_eq!(again.unwrap(), id);
    // Step numbers belong to one build: find the RUN again by its name.
    let rebuilt_run_step = events
        .iter()
        .find_map(|event| match event {
            BuildEvent::StepStarted { step, name } if name.contains("RUN echo") => Some(*step),
            _ => None,
        })
        .expect("a StepStarted for the RUN in the rebuild");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::StepFinished { step, cached: true, .. } if *step == rebuilt_run_step)),
        "the RUN step is cached on rebuild: {events:#?}"
    );
}

#[tokio::test]
async fn failing_run_fails_with_its_error_and_output() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let dir = context(&[]);
    let dockerfile =
        format!("FROM {BUSYBOX}\nRUN echo first-line && echo about-to-fail >&2 && exit 3\n");
    let (result, events) = build(&engine, &BuildRequest::new(dockerfile, dir.path())).await;
    let error = result.unwrap_err();
    let EngineError::BuildFailed {
        step,
        message,
        log_tail,
    } = &error
    else {
        panic!("expected BuildFailed, got {error:?}");
    };
    assert!(
        step.as_deref()
            .is_some_and(|s| s.contains("RUN echo first-line")),
        "{step:?}"
    );
    assert!(message.contains("exit code: 3"), "{message}");
    assert!(log_tail.iter().any(|l| l == "first-line"), "{log_tail:?}");
    assert!(
        log_tail.iter().any(|l| l == "about-to-fail"),
        "{log_tail:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BuildEvent::StepFailed { .. }))
    );
    eprintln!("{error}");
}

#[tokio::test]
async fn invalid_dockerfile_fails_with_the_parse_error() {
    let Some(engine) = engine().await else { return };
    let dir = context(&[]);
    let (result, _) = build(&engine, &BuildRequest::new("FORM scratch\n", dir.path())).await;
    let error = result.unwrap_err();
    assert!(
        matches!(&error, EngineError::BuildFailed { message, .. } if message.contains("unknown instruction")),
        "{error:?}"
    );
}

#[tokio::test]
async fn dockerignore_applies_and_the_dockerfile_stays_out_of_the_image() {
    let Some(engine) = engine().await else { return };
    let dir = context(&[
        (
            ".dockerignore",
            "secret.txt\n**/*.log\ndocs\n!docs/keep.md\n",
        ),
        ("keep.txt", "keep"),
        ("secret.txt", "secret"),
        ("nested/app.log", "log"),
        ("nested/app.txt", "app"),
        ("docs/keep.md", "keep"),
        ("docs/drop.md", "drop"),
    ]);
    // Exactly the form the image compiler emits for "copy the whole context".
    let dockerfile = "FROM scratch\nCOPY [\".\", \".\"]\n";
    let mut request = BuildRequest::new(dockerfile, dir.path());
    request.tags = vec!["gantry.local/test-ignore:1".into()];
    let (result, _) = build(&engine, &request).await;
    result.unwrap();

    let files = image_files("gantry.local/test-ignore:1").await;
    let expected = [
        ".dockerignore",
        "docs",
        "docs/keep.md",
        "keep.txt",
        "nested",
        "nested/app.txt",
    ];
    assert_eq!(
        files.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
    assert!(
        !files
            .iter()
            .any(|f| f.to_lowercase().contains("dockerfile"))
    );
    assert!(
        !dir_mentions(dir.path(), "ockerfile"),
        "gantry wrote no Dockerfile into the context"
    );
}

#[tokio::test]
async fn target_and_build_args_select_what_is_built() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let dir = context(&[]);
    let dockerfile = format!(
        "ARG BASE={BUSYBOX}\nFROM $BASE AS build\nARG GREETING=default\nRUN echo \"$GREETING\" > /greeting\n\
         FROM build AS test\nRUN cat /greeting\nFROM scratch AS final\nCOPY --from=build /greeting /greeting\n"
    );
    let mut request = BuildRequest::new(dockerfile, dir.path());
    request.target = Some("test".into());
    request
        .build_args
        .insert("GREETING".into(), "hi-from-args".into());
    let (result, events) = build(&engine, &request).await;
    let image = result.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, BuildEvent::StepStarted { name, .. } if name.contains("final"))),
        "--target test skips the final stage: {events:#?}"
    );

    let mut run = RunRequest::new("test-target", image.as_str());
    run.command = Some(vec!["cat".into(), "/greeting".into()]);
    let (tx, rx) = mpsc::channel(16);
    let output = tokio::spawn(drain(rx));
    assert_eq!(engine.run(&run, tx).await.unwrap(), 0);
    let greeting = ContainerEvent::Output {
        stream: OutputStream::Stdout,
        line: "hi-from-args".into(),
    };
    assert!(output.await.unwrap().contains(&greeting));
}

#[tokio::test]
async fn missing_context_directory_is_named() {
    let Some(engine) = engine().await else { return };
    let request = BuildRequest::new("FROM scratch\n", "/nonexistent/gantry-context");
    let (result, _) = build(&engine, &request).await;
    let error = result.unwrap_err();
    assert!(
        matches!(&error, EngineError::BuildContext { path, .. } if path.ends_with("gantry-context")),
        "{error:?}"
    );
}

/// BuildKit keeps the files it synced per context directory and re-fetches one only when its
/// size or time changed: two Dockerfiles of the same length built from one directory must
/// still each be built as written.
#[tokio::test]
async fn same_length_dockerfiles_from_one_directory_are_each_built_as_written() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let dir = context(&[("hello.txt", "hello")]);
    let mut labels = Vec::new();
    for value in ["first", "other"] {
        let dockerfile = format!("FROM {BUSYBOX} AS {value}\nLABEL gantry.test.which={value}\n");
        let mut request = BuildRequest::new(dockerfile, dir.path());
        request.target = Some(value.to_owned());
        let (result, events) = build(&engine, &request).await;
        let id = result.unwrap_or_else(|e| panic!("{value}: {e}\n{events:#?}"));
        let image = docker().inspect_image(id.as_str()).await.unwrap();
        let label = image.config.and_then(|c| c.labels).and_then(|l| l.get("gantry.test.which").cloned());
        labels.push(label.unwrap_or_default());
    }
    assert_eq!(labels, ["first", "other"]);
}
