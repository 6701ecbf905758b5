//! `gantry diff` on records of real runs that differ in one known input each: the input is
//! named first; when only a secret differs (never recorded), the verdict is flaky.

mod debug_support;

use debug_support::{BAD_TOKEN, BOOKWORM, GOOD_TOKEN, describe, docker, engine_has, gantry, gantry_run, last_run, pipeline_repo, unique};

/// Runs the pipeline and returns the run's ID.
fn run(repo: &std::path::Path, mode: &str, token: &str) -> String {
    let output = gantry_run(repo, mode, token, &[]);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", describe(&output));
    last_run(repo)
}

fn diff(repo: &std::path::Path, a: &str, b: &str) -> String {
    let output = gantry(repo, &["diff", a, b]);
    assert!(output.status.success(), "{}", describe(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The first numbered difference.
fn first_cause(text: &str) -> &str {
    text.lines().find(|l| l.trim_start().starts_with("1. ")).unwrap_or_else(|| panic!("no cause named:\n{text}"))
}

#[test]
fn the_one_input_that_changed_is_named_first() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let passed = run(repo.path(), "good", GOOD_TOKEN);

    let env_changed = run(repo.path(), "bad", GOOD_TOKEN);
    let text = diff(repo.path(), &passed, &env_changed);
    assert!(text.contains("result: test/check: ok → failed"), "{text}");
    assert!(first_cause(&text).contains("[environment] env MODE: good → bad"), "{text}");

    let blubber = repo.path().join(".pipeline/blubber.yaml");
    let spec = std::fs::read_to_string(&blubber).unwrap().replace("test \"$MODE\" = good", "test \"$MODE\" = best");
    std::fs::write(&blubber, spec).unwrap();
    let spec_changed = run(repo.path(), "good", GOOD_TOKEN);
    let text = diff(repo.path(), &passed, &spec_changed);
    assert!(first_cause(&text).contains("[spec] .pipeline/blubber.yaml"), "{text}");
}

#[test]
fn identical_recorded_inputs_with_different_results_are_called_flaky() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let passed = run(repo.path(), "good", GOOD_TOKEN);
    let failed = run(repo.path(), "good", BAD_TOKEN);
    let text = diff(repo.path(), &passed, &failed);
    assert!(text.contains("FLAKY"), "{text}");
    assert!(!text.contains("s3cr3t"), "secrets stay out of the comparison: {text}");
}

/// The base image the runs build FROM (through `--base-map`), re-tagged between two runs to
/// an image without `wc`, which the stage's check uses: the record names the image ID each
/// build read, and the stage's cache key; `gantry diff` names the base image first and the
/// changed cache key too.
#[test]
fn a_changed_base_image_is_named_first_with_the_changed_cache_key() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let cache = tempfile::tempdir().unwrap();
    let base = format!("gantry.local/{}:1", unique("base"));
    let base_map = format!("--base-map={BOOKWORM}={base}");
    let run_with_cache = |label: &str| {
        let mut command = assert_cmd::Command::cargo_bin("gantry").unwrap();
        command.arg("-C").arg(repo.path()).args(["run", "--progress", "plain", &base_map]);
        let output = command.env("MODE", "good").env("API_TOKEN", GOOD_TOKEN).env("GANTRY_CACHE_DIR", cache.path()).output().unwrap();
        assert!(matches!(output.status.code(), Some(0 | 1)), "{label}: {}", describe(&output));
        last_run(repo.path())
    };

    docker(&["tag", BOOKWORM, &base]);
    let passed = run_with_cache("first run");
    let broken = unique("no-wc");
    docker(&["run", "--name", &broken, BOOKWORM, "rm", "/usr/bin/wc"]);
    docker(&["commit", &broken, &base]);
    docker(&["rm", &broken]);
    let failed = run_with_cache("second run");
    let text = diff(repo.path(), &passed, &failed);
    let _ = std::process::Command::new("docker").args(["rmi", &base]).output();

    assert!(text.contains("result: test/check: ok → failed"), "{text}");
    let first = first_cause(&text);
    assert!(first.contains("[base image]") && first.contains(&base) && first.contains("sha256:"), "{text}");
    assert!(text.lines().any(|l| l.contains("cache key")), "{text}");
    let record = std::fs::read_to_string(repo.path().join(".gantry/runs").join(&failed).join("record.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(record["version"], 2);
    let stage = &record["stages"][0];
    assert!(stage["base_images"][&base].as_str().is_some_and(|id| id.starts_with("sha256:")), "{stage:#}");
    assert!(stage["cache_key"].as_str().is_some_and(|key| key.starts_with("blake3:")), "{stage:#}");
}
