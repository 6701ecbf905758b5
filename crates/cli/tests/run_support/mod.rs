//! Shared by the `gantry run` engine tests: small repositories with Blubber variants on the
//! local `gantry.local/bookworm:1`, reading a run's record, asking the real registry, and
//! checking that a run left nothing on the engine. The engine-required rule is
//! `debug_support`'s.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::debug_support::{docker, engine_required};

/// The registry scripts/setup-registry.sh starts.
pub const REGISTRY: &str = "127.0.0.1:5000";

/// Variants every test repository has: they sleep, write files, fail or run forever.
const BLUBBER: &str = r#"version: v4
base: gantry.local/bookworm:1
variants:
  sleeper:
    entrypoint: [sh, -c, "sleep 2; echo slept"]
  writer:
    entrypoint: [sh, -c, "mkdir -p /tmp/out/deep && echo coverage > /tmp/out/report.txt && echo deep > /tmp/out/deep/x.txt && echo wrote"]
  app:
    entrypoint: [sh, -c, "echo app"]
  failing:
    entrypoint: [sh, -c, "echo about to fail >&2; exit 3"]
  forever:
    entrypoint: [sleep, "300"]
"#;

/// A repository named `runtest` (so its project is `runtest`) with the variants above and one
/// pipeline, `ci`, whose `stages` (and `execution`) are `pipeline`; the directory is removed
/// when the guard drops.
pub fn repository(pipeline: &str) -> (tempfile::TempDir, PathBuf) {
    let config = format!("pipelines:\n  ci:\n    blubberfile: blubber.yaml\n{pipeline}");
    let root = tempfile::tempdir().expect("a temporary directory");
    let repo = root.path().join("runtest");
    std::fs::create_dir_all(repo.join(".pipeline")).expect("the .pipeline directory");
    std::fs::write(repo.join(".pipeline/blubber.yaml"), BLUBBER).expect("blubber.yaml");
    std::fs::write(repo.join(".pipeline/config.yaml"), config).expect("config.yaml");
    (root, repo)
}

/// The record of the only run in `repo`.
pub fn only_record(repo: &Path) -> Value {
    let runs: Vec<PathBuf> = std::fs::read_dir(repo.join(".gantry/runs"))
        .expect("the runs folder")
        .map(|entry| entry.expect("a run folder").path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let text = std::fs::read_to_string(runs[0].join("record.json")).expect("record.json");
    serde_json::from_str(&text).expect("record.json is JSON")
}

/// The recorded stage named `stage`.
pub fn stage<'a>(record: &'a Value, stage: &str) -> &'a Value {
    let stages = record["stages"].as_array().expect("stages");
    stages.iter().find(|s| s["stage"] == stage).unwrap_or_else(|| panic!("no stage {stage} in {record:#}"))
}

/// A recorded time, in nanoseconds since the epoch.
pub fn time(stage: &Value, field: &str) -> i128 {
    let text = stage[field].as_str().unwrap_or_else(|| panic!("no {field} in {stage:#}"));
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).expect("an RFC 3339 time");
    at.unix_timestamp_nanos()
}

/// Containers, networks and volumes labelled with run `run_id`.
pub fn leftovers(run_id: &str) -> Vec<String> {
    let filter = format!("label=gantry.run={run_id}");
    let mut found = Vec::new();
    for kind in [&["ps", "-a", "-q"][..], &["network", "ls", "-q"], &["volume", "ls", "-q"]] {
        let mut args = kind.to_vec();
        args.extend(["--filter", filter.as_str()]);
        found.extend(docker(&args).lines().map(|line| format!("{} {line}", kind[0])));
    }
    found
}

/// The registry's tags of `repository`, or `None` (the test should skip) when there is no
/// registry and none is required.
pub fn registry_tags(repository: &str) -> Option<String> {
    let url = format!("http://{REGISTRY}/v2/{repository}/tags/list");
    let output = Command::new("curl").args(["-sS", "--noproxy", "*", "--max-time", "10", &url]).output();
    match output {
        Ok(output) if output.status.success() => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
        other => {
            let why = format!("no registry at {REGISTRY} ({other:?}); run scripts/setup-registry.sh");
            assert!(!engine_required(), "{why} (CI=true or GANTRY_REQUIRE_ENGINE=1 requires it)");
            eprintln!("SKIP: {why}");
            None
        }
    }
}
