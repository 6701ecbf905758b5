//! `gantry record export` and `gantry record import`: a run folder travels to another
//! repository byte for byte; importing it again is harmless; a different run of the same ID
//! is never overwritten; bundles that would write outside the runs folder are refused.

mod debug_support;

use std::path::Path;

use debug_support::{describe, gantry};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn export(repo: &Path, run: &str) -> String {
    let output = gantry(repo, &["record", "export", run]);
    assert!(output.status.success(), "{}", describe(&output));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_run_moves_between_repositories_unchanged() {
    let ci = tempfile::tempdir().unwrap();
    let laptop = tempfile::tempdir().unwrap();
    let run = ".gantry/runs/run-20261126-ci";
    write(ci.path(), &format!("{run}/record.json"), "{\"version\":1}\n");
    write(ci.path(), &format!("{run}/logs/test-unit.log"), "line one\nline two\n");
    write(ci.path(), &format!("{run}/junit.xml"), "<testsuites/>\n");
    let bundle = export(ci.path(), "run-20261126-ci");
    let file = laptop.path().join("ci-run.json");
    std::fs::write(&file, &bundle).unwrap();

    let imported = gantry(laptop.path(), &["record", "import", file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", describe(&imported));
    assert_eq!(String::from_utf8_lossy(&imported.stdout).trim(), "run-20261126-ci");
    for name in ["record.json", "logs/test-unit.log", "junit.xml"] {
        let here = std::fs::read(laptop.path().join(run).join(name)).unwrap();
        assert_eq!(here, std::fs::read(ci.path().join(run).join(name)).unwrap(), "{name}");
    }
    assert_eq!(export(laptop.path(), "run-20261126-ci"), bundle, "the round trip is exact");

    let again = gantry(laptop.path(), &["record", "import", file.to_str().unwrap()]);
    assert!(again.status.success(), "importing the same run twice is harmless: {}", describe(&again));

    write(laptop.path(), &format!("{run}/junit.xml"), "<testsuites>changed</testsuites>\n");
    let clash = gantry(laptop.path(), &["record", "import", file.to_str().unwrap()]);
    assert_eq!(clash.status.code(), Some(2), "{}", describe(&clash));
    assert!(String::from_utf8_lossy(&clash.stderr).contains("already in"), "{}", describe(&clash));
}

#[test]
fn bundles_that_escape_the_runs_folder_are_refused() {
    let laptop = tempfile::tempdir().unwrap();
    let file = laptop.path().join("evil.json");
    let evil = r#"{"format":"gantry-run-bundle","version":1,"run_id":"run-1","files":{"../../outside":"x"}}"#;
    std::fs::write(&file, evil).unwrap();
    let output = gantry(laptop.path(), &["record", "import", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(!laptop.path().join(".gantry/outside").exists() && !laptop.path().join("outside").exists());
}

#[test]
fn the_inputs_a_run_would_record_name_the_engine_commit_and_specs() {
    if !debug_support::engine_has(debug_support::BOOKWORM) {
        return;
    }
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), ".pipeline/config.yaml", "pipelines: {}\n");
    let output = gantry(repo.path(), &["record", "inputs", "--jobs", "3"]);
    assert!(output.status.success(), "{}", describe(&output));
    let inputs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let arch = std::process::Command::new("docker").args(["version", "--format", "{{.Server.Arch}}"]).output().unwrap();
    assert_eq!(inputs["engine"]["arch"], String::from_utf8_lossy(&arch.stdout).trim(), "{inputs}");
    assert!(inputs["engine"]["version"].as_str().unwrap().starts_with("docker "), "{inputs}");
    assert_eq!(inputs["commit"], serde_json::Value::Null, "not a git repository: {inputs}");
    assert!(inputs["specs"][".pipeline/config.yaml"].as_str().unwrap().starts_with("sha256:"), "{inputs}");
    assert_eq!(inputs["limits"]["jobs"], "3");
}
