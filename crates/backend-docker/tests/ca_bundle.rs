//! The CA bundle image: imported without a registry, bind-mounted into `RUN`, never kept.

mod common;

use std::time::Instant;

use common::{BUSYBOX, context, docker, drain, engine_with, image_files};
use gantry_backend_docker::{CA_BUNDLE_REPOSITORY, DockerEngine};
use gantry_engine::{BuildEvent, BuildRequest, ImageBuilder};
use tokio::sync::mpsc;

/// What the image compiler emits before the first `RUN` of a stage.
const CA_ARGS: &str = "ARG SSL_CERT_FILE=/run/gantry/ca.crt\nARG NODE_EXTRA_CA_CERTS=/run/gantry/ca.crt\n\
ARG npm_config_cafile=/run/gantry/ca.crt\nARG PIP_CERT=/run/gantry/ca.crt\nARG REQUESTS_CA_BUNDLE=/run/gantry/ca.crt\n\
ARG CURL_CA_BUNDLE=/run/gantry/ca.crt\nARG GIT_SSL_CAINFO=/run/gantry/ca.crt\nARG COMPOSER_CAFILE=/run/gantry/ca.crt\n";

/// The host bundle if there is one (the real use), else a syntactically plausible one.
fn bundle() -> Vec<u8> {
    std::fs::read("/etc/ssl/certs/ca-certificates.crt").unwrap_or_else(|_| {
        b"-----BEGIN CERTIFICATE-----\nMIIBgantrytest\n-----END CERTIFICATE-----\n".to_vec()
    })
}

async fn import(engine: &DockerEngine, pem: &[u8]) -> String {
    let started = Instant::now();
    let reference = engine.import_ca_bundle(pem).await.unwrap();
    eprintln!(
        "import_ca_bundle({} bytes): {:?}",
        pem.len(),
        started.elapsed()
    );
    reference
}

/// Builds `dockerfile` and checks that its RUN saw the whole bundle and that nothing of it
/// stayed in the image.
async fn build_and_check(engine: &DockerEngine, dockerfile: String, tag: &str, pem: &[u8]) {
    let dir = context(&[]);
    let mut request = BuildRequest::new(dockerfile, dir.path());
    request.tags = vec![tag.to_owned()];
    let (tx, rx) = mpsc::channel(1024);
    let events = tokio::spawn(drain(rx));
    let started = Instant::now();
    engine.build(&request, tx).await.unwrap();
    eprintln!("build of {tag}: {:?}", started.elapsed());
    let lines: Vec<String> = events
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            BuildEvent::StepLog { line, .. } => Some(line),
            _ => None,
        })
        .collect();
    assert!(
        lines.contains(&"-----BEGIN CERTIFICATE-----".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("ca-ok {}", pem.len())),
        "{lines:#?}"
    );

    let files = image_files(tag).await;
    let under_run: Vec<&String> = files.iter().filter(|f| f.starts_with("run")).collect();
    // BuildKit 0.8 leaves the mount point's parent directories (empty), never the file.
    eprintln!("{tag}: paths under /run in the image layers: {under_run:?}");
    assert!(
        !files.iter().any(|f| f.ends_with("ca.crt")),
        "the bundle stayed in {tag}: {under_run:?}"
    );

    let env = docker()
        .inspect_image(tag)
        .await
        .unwrap()
        .config
        .and_then(|c| c.env)
        .unwrap_or_default();
    assert!(
        !env.iter().any(|e| e.starts_with("SSL_CERT_FILE")),
        "ARGs do not persist: {env:?}"
    );
}

/// The checking `RUN`; `nonce` keeps it from being cached, so its output shows.
fn check_run(mount_from: &str) -> String {
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "RUN --mount=type=bind,from={mount_from},source=/ca.crt,target=/run/gantry/ca.crt \
         : {nonce} && head -n 1 /run/gantry/ca.crt && echo \"ca-ok $(wc -c < \"$SSL_CERT_FILE\")\"\n"
    )
}

#[tokio::test]
async fn import_is_local_and_idempotent() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let pem = bundle();
    let first = import(&engine, &pem).await;
    assert!(
        first.starts_with(&format!("{CA_BUNDLE_REPOSITORY}:")),
        "{first}"
    );
    let second = import(&engine, &pem).await;
    assert_eq!(first, second);
    let other = import(
        &engine,
        b"-----BEGIN CERTIFICATE-----\nother\n-----END CERTIFICATE-----\n",
    )
    .await;
    assert_ne!(first, other);
    assert!(engine.import_ca_bundle(b"not a bundle").await.is_err());
}

/// The form the image compiler emits: `from=` names the imported image directly.
#[tokio::test]
async fn bind_mount_from_the_image_reaches_run_and_not_the_image() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let pem = bundle();
    let reference = import(&engine, &pem).await;
    let dockerfile = format!("FROM {BUSYBOX}\n{CA_ARGS}{}", check_run(&reference));
    build_and_check(
        &engine,
        dockerfile,
        "gantry.local/test-ca-from-image:1",
        &pem,
    )
    .await;
}

/// The alternative: a named stage on the bundle image, mounted by stage name.
#[tokio::test]
async fn bind_mount_from_a_stage_reaches_run_and_not_the_image() {
    let Some(engine) = engine_with(BUSYBOX).await else {
        return;
    };
    let pem = bundle();
    let reference = import(&engine, &pem).await;
    let dockerfile = format!(
        "FROM {reference} AS gantry-ca\nFROM {BUSYBOX}\n{CA_ARGS}{}",
        check_run("gantry-ca")
    );
    build_and_check(
        &engine,
        dockerfile,
        "gantry.local/test-ca-from-stage:1",
        &pem,
    )
    .await;
}
