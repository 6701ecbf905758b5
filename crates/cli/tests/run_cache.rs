//! `gantry run` with the stage cache, on the real engine and registry: a second run of the
//! same inputs restores every stage (same outputs and exit status as the real run, shown as
//! `cached`), a changed input runs only the stages that read it, `--rerun` forces one stage,
//! failures run again, and a second, clean cache directory reuses results pushed to the
//! registry by the first.

mod debug_support;
mod run_support;

use std::path::Path;
use std::process::Output;

use debug_support::{BOOKWORM, describe, engine_has, unique};
use run_support::{REGISTRY, repository};
use serde_json::Value;

const PIPELINE: &str = "    stages:
      - name: build
        build: app
        run: true
      - name: report
        build: writer
        run: true
        copy:
          - source: /tmp/out/
            destination: reports
      - name: after
        build: sleeper
        run: true
    execution:
      - [build, after]
      - [report, after]
";

/// `gantry run --output json` with the cache in `cache`; the parsed stage reports by name.
fn run(repo: &Path, cache: &Path, args: &[&str]) -> (Output, Vec<Value>) {
    let output = assert_cmd::Command::cargo_bin("gantry")
        .expect("the gantry binary")
        .arg("-C")
        .arg(repo)
        .args(["run", "--output", "json", "--jobs", "2"])
        .args(args)
        .env("GANTRY_CACHE_DIR", cache)
        .env_remove("GANTRY_CACHE_REGISTRY")
        .env_remove("GANTRY_CACHE_PUSH")
        .output()
        .expect("gantry runs");
    let finished = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["event"] == "stage_finished")
        .collect();
    (output, finished)
}

fn report<'a>(finished: &'a [Value], stage: &str) -> &'a Value {
    let event = finished.iter().find(|e| e["stage"] == stage).unwrap_or_else(|| panic!("no {stage} in {finished:#?}"));
    &event["report"]
}

fn cached(finished: &[Value], stage: &str) -> bool {
    report(finished, stage)["cached"] == true
}

/// What a stage produced, without what differs between a run and its restoration.
fn produced(report: &Value) -> Value {
    let mut report = report.clone();
    for field in ["duration_ms", "cached", "container"] {
        report.as_object_mut().map(|o| o.remove(field));
    }
    if let Some(exports) = report["exports"].as_object_mut() {
        exports.remove("container");
        exports.remove("imageLocalName");
    }
    report
}

#[test]
fn a_second_run_restores_every_stage_with_the_same_outputs() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let (_root, repo) = repository(PIPELINE);
    let cache = tempfile::tempdir().unwrap();
    let (first, real) = run(&repo, cache.path(), &[]);
    assert!(first.status.success(), "{}", describe(&first));
    assert!(["build", "report", "after"].iter().all(|s| !cached(&real, s)), "{real:#?}");
    std::fs::remove_dir_all(repo.join(".gantry/artifacts")).unwrap();

    let (second, restored) = run(&repo, cache.path(), &[]);
    assert_eq!(second.status.code(), first.status.code(), "{}", describe(&second));
    for stage in ["build", "report", "after"] {
        assert!(cached(&restored, stage), "{stage}: {restored:#?}");
        assert_eq!(produced(report(&restored, stage)), produced(report(&real, stage)), "{stage}");
    }
    let copied = repo.join(".gantry/artifacts");
    assert!(std::fs::read_dir(&copied).is_ok(), "the copied files were restored into {}", copied.display());
}

#[test]
fn a_changed_input_or_rerun_runs_only_those_stages_and_failures_always_run() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let (_root, repo) = repository(PIPELINE);
    let cache = tempfile::tempdir().unwrap();
    let (first, _) = run(&repo, cache.path(), &[]);
    assert!(first.status.success(), "{}", describe(&first));

    let (_, forced) = run(&repo, cache.path(), &["--rerun", "report"]);
    assert!(cached(&forced, "build") && !cached(&forced, "report"), "{forced:#?}");

    let blubber = repo.join(".pipeline/blubber.yaml");
    let text = std::fs::read_to_string(&blubber).unwrap().replace("echo app", "echo app2");
    std::fs::write(&blubber, text).unwrap();
    let (_, changed) = run(&repo, cache.path(), &[]);
    assert!(!cached(&changed, "build") && cached(&changed, "report"), "{changed:#?}");

    let failing = "    stages:\n      - name: broken\n        build: failing\n        run: true\n";
    let (_root2, failing_repo) = repository(failing);
    for _ in 0..2 {
        let (output, finished) = run(&failing_repo, cache.path(), &[]);
        assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
        assert!(!cached(&finished, "broken"));
    }
}

#[test]
fn a_clean_cache_directory_reuses_results_shared_through_the_registry() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let (_root, repo) = repository(PIPELINE);
    let shared = format!("http://{REGISTRY}/gantry-test/{}", unique("run-cache"));
    let (ci, laptop) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (first, _) = run(&repo, ci.path(), &["--cache-registry", &shared, "--cache-push"]);
    assert!(first.status.success(), "{}", describe(&first));

    let (second, pulled) = run(&repo, laptop.path(), &["--cache-registry", &shared]);
    assert!(second.status.success(), "{}", describe(&second));
    for stage in ["build", "report", "after"] {
        assert!(cached(&pulled, stage), "{stage}: {pulled:#?}");
    }
}

/// Image tags under `prefix` (`localhost/gantry-<run>/`) on the engine.
fn tags_under(prefix: &str) -> Vec<String> {
    let listed = debug_support::docker(&["image", "ls", "--filter", &format!("reference={prefix}*"), "--format", "{{.Repository}}:{{.Tag}}"]);
    listed.lines().map(str::to_owned).collect()
}

#[test]
fn a_fully_restored_run_removes_the_local_names_it_gave_restored_images() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let pipeline = "    stages:
      - name: build
        build: app
      - name: names
        exports:
          local: '${build.imageLocalName}'
    execution:
      - [build, names]
";
    let (_root, repo) = repository(pipeline);
    let cache = tempfile::tempdir().unwrap();
    let (first, real) = run(&repo, cache.path(), &[]);
    assert!(first.status.success(), "{}", describe(&first));
    let (second, restored) = run(&repo, cache.path(), &[]);
    assert!(second.status.success(), "{}", describe(&second));
    assert!(cached(&restored, "build") && cached(&restored, "names"), "a run that executes no stage: {restored:#?}");
    let local_name = |finished: &[Value]| report(finished, "build")["exports"]["imageLocalName"].as_str().unwrap_or_default().to_owned();
    // `names` reads it, so the restored build's image is named for this run.
    let local = local_name(&restored);
    assert!(local.starts_with("localhost/gantry-") && local != local_name(&real), "this run's name: {local}");
    let prefix = &local[..=local.rfind('/').unwrap_or_default()];
    assert_eq!(tags_under(prefix), Vec::<String>::new(), "the run's cleanup removed {local}");
}
