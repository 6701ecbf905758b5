//! The example service end to end with `gantry run` on the real engine and registry:
//! hello-python's lint and unit tests run in parallel, then its production image is built and
//! published to 127.0.0.1:5000 with PipelineLib's tags. The example is copied to a temporary
//! directory so that the run's folder does not land in the checkout.

mod debug_support;
mod run_support;

use std::path::Path;

use debug_support::{describe, engine_has};
use run_support::{leftovers, only_record, registry_tags, stage, time};

/// The local image hello-python's `.pipeline/gantry.toml` maps its base image to.
const PYTHON_BASE: &str = "gantry.local/bookworm-python3:1";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory");
    for entry in std::fs::read_dir(from).expect("the example") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        match entry.file_type().expect("a file type").is_dir() {
            true if entry.file_name() == ".gantry" => {}
            true => copy_dir(&entry.path(), &target),
            false => _ = std::fs::copy(entry.path(), target).expect("a copy"),
        }
    }
}

#[test]
fn hello_python_lints_and_tests_in_parallel_then_publishes_its_production_image() {
    if !engine_has(PYTHON_BASE) {
        return;
    }
    let root = tempfile::tempdir().expect("a temporary directory");
    let repo = root.path().join("hello-python");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello-python"), &repo);
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary");
    // The `test` pipeline; `review` (a preview environment) is tested in run_release_steps.rs.
    command.arg("-C").arg(&repo).args(["run", "test", "--progress", "plain", "--jobs", "2", "--no-cache"]);
    // pip reaches PyPI through a TLS-intercepting proxy on these machines.
    let host_bundle = Path::new("/etc/ssl/certs/ca-certificates.crt");
    if host_bundle.exists() {
        command.arg("--ca-bundle").arg(host_bundle);
    }
    let output = command.output().expect("gantry runs");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("[test] OK") || stderr.contains("[test] Ran 4 tests"), "{stderr}");

    let record = only_record(&repo);
    let (lint, test, production) = (stage(&record, "lint"), stage(&record, "test"), stage(&record, "production"));
    assert!(time(lint, "started_at") < time(test, "finished_at") && time(test, "started_at") < time(lint, "finished_at"), "lint and test overlap: {record:#}");
    assert!(time(production, "started_at") >= time(lint, "finished_at").max(time(test, "finished_at")));
    let published = production["published"].as_array().expect("published references");
    let timestamp_tag = production["exports"]["imageTag"].as_str().expect("imageTag");
    assert!(timestamp_tag.ends_with("-production"), "{production:#}");
    assert!(published.iter().any(|p| p["reference"] == "127.0.0.1:5000/wikimedia/hello-python:latest"), "{production:#}");
    if let Some(tags) = registry_tags("wikimedia/hello-python") {
        assert!(tags.contains(timestamp_tag) && tags.contains("latest"), "{tags}");
    }
    assert_eq!(leftovers(record["run_id"].as_str().expect("a run ID")), Vec::<String>::new());
}
