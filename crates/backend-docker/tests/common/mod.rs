//! Shared by the engine tests: reaching the real engine, and the skip-or-fail rule.
//!
//! Engine tests run against the real Docker engine. When it cannot be reached they FAIL if
//! `CI=true` or `GANTRY_REQUIRE_ENGINE=1`, and otherwise print one `SKIP` line and pass.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::BTreeSet;
use std::path::Path;

use bollard::Docker;
use futures_util::TryStreamExt;
use gantry_backend_docker::DockerEngine;
use tokio::sync::mpsc;

/// The small local base image that scripts/setup-base-images.sh creates.
pub const BUSYBOX: &str = "gantry.local/busybox:1";

fn engine_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("GANTRY_REQUIRE_ENGINE").is_ok_and(|v| v == "1")
}

/// Skips (returns `None`) or fails the calling test, following the rule above.
fn unavailable<T>(what: &str) -> Option<T> {
    if engine_required() {
        panic!("{what} (CI=true or GANTRY_REQUIRE_ENGINE=1 requires the engine)");
    }
    eprintln!("SKIP: {what} — set GANTRY_REQUIRE_ENGINE=1 to make this a failure");
    None
}

/// The engine, or `None` if the test should be skipped.
pub async fn engine() -> Option<DockerEngine> {
    match DockerEngine::connect().await {
        Ok(engine) => Some(engine),
        Err(error) => unavailable(&format!("no Docker engine: {error}")),
    }
}

/// The engine, if it also has `image` (local base images cannot be pulled).
pub async fn engine_with(image: &str) -> Option<DockerEngine> {
    let engine = engine().await?;
    match docker().inspect_image(image).await {
        Ok(_) => Some(engine),
        Err(error) => unavailable(&format!(
            "{image} is missing ({error}); run scripts/setup-base-images.sh"
        )),
    }
}

/// A bollard client for checks the backend does not offer (inspecting results).
pub fn docker() -> Docker {
    Docker::connect_with_defaults().expect("DOCKER_HOST is usable")
}

/// A temporary directory holding `files` (path, contents).
pub fn context(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Everything received on `rx` once its senders are gone.
pub async fn drain<T>(mut rx: mpsc::Receiver<T>) -> Vec<T> {
    let mut items = Vec::new();
    while let Some(item) = rx.recv().await {
        items.push(item);
    }
    items
}

/// Every path in every layer of `image` (no leading `./` or trailing `/`).
pub async fn image_files(image: &str) -> BTreeSet<String> {
    let saved: Vec<u8> = docker()
        .export_image(image)
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await
        .unwrap();
    let mut files = BTreeSet::new();
    let mut archive = tar::Archive::new(saved.as_slice());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry.path().unwrap().ends_with("layer.tar") {
            continue;
        }
        let mut layer = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut layer).unwrap();
        for file in tar::Archive::new(layer.as_slice()).entries().unwrap() {
            let path = file.unwrap().path().unwrap().to_string_lossy().into_owned();
            let path = path
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned();
            if !path.is_empty() {
                files.insert(path);
            }
        }
    }
    files
}

/// Whether `dir` has an entry whose name contains `needle` anywhere below it.
pub fn dir_mentions(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let entry = entry.unwrap();
        entry.file_name().to_string_lossy().contains(needle)
            || (entry.file_type().unwrap().is_dir() && dir_mentions(&entry.path(), needle))
    })
}

/// The local registry scripts/setup-registry.sh starts.
pub const REGISTRY: &str = "127.0.0.1:5000";

/// The registry's address, or `None` if the test should be skipped (same rule as the engine).
pub fn registry() -> Option<&'static str> {
    match registry_get("/v2/") {
        Ok((200, _, _)) => Some(REGISTRY),
        Ok((status, _, _)) => unavailable(&format!("the registry at {REGISTRY} answers {status}")),
        Err(error) => unavailable(&format!(
            "no registry at {REGISTRY}: {error}; run scripts/setup-registry.sh"
        )),
    }
}

/// A registry's answer: the status, the headers (lower-cased names) and the body.
pub type RegistryResponse = (u16, Vec<(String, String)>, String);

/// `GET http://127.0.0.1:5000<path>`, manifests asked for in Docker's v2 format.
pub fn registry_get(path: &str) -> std::io::Result<RegistryResponse> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(REGISTRY)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {REGISTRY}\r\nAccept: application/vnd.docker.distribution.manifest.v2+json\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Ok((status, headers, body.to_owned()))
}

/// A run ID no other test (or earlier test run) uses.
pub fn run_id(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{name}-{}-{nanos}", std::process::id())
}
