//! A run's view of the cache: reuse, forced runs, failures, corrupt entries, and a second
//! clean cache directory fed by the first through the registry.

mod common;

use common::*;
use gantry_cache::{CacheDecision, CachePolicy, LocalStore, RunCache, StageResult};

fn run_cache(store_dir: &std::path::Path, repo: &std::path::Path, policy: CachePolicy) -> RunCache {
    let mut cache = RunCache::new(LocalStore::open(store_dir).unwrap(), None, policy, "repo".into());
    cache.add_pipeline("service", keys(repo, &images(), &no_environment));
    cache
}

fn result(succeeded: bool) -> StageResult {
    StageResult {
        record: serde_json::json!({"status": if succeeded { "ok" } else { "failed" }, "exit_code": if succeeded { 0 } else { 1 }}),
        blobs: vec![("log".into(), b"Ran 1 test\n".to_vec())],
        succeeded,
    }
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_repo(dir.path(), FILES);
    dir
}

#[test]
fn a_saved_success_is_reused_with_its_record_and_log() {
    let (repo, store) = (fixture(), tempfile::tempdir().unwrap());
    let cache = run_cache(store.path(), repo.path(), CachePolicy::default());
    assert!(matches!(cache.decide("service", "candidate"), CacheDecision::Run { .. }));
    cache.save("service", "candidate", result(true));

    let next = run_cache(store.path(), repo.path(), CachePolicy::default());
    let CacheDecision::Reuse(entry) = next.decide("service", "candidate") else { panic!("expected reuse") };
    assert_eq!(entry.result["exit_code"], 0);
    assert_eq!(next.blob(&entry, "log").unwrap(), b"Ran 1 test\n");
    assert!(next.take_notes().is_empty());
}

#[test]
fn a_changed_input_or_a_forced_run_runs_the_stage() {
    let (repo, store) = (fixture(), tempfile::tempdir().unwrap());
    run_cache(store.path(), repo.path(), CachePolicy::default()).save("service", "candidate", result(true));

    let reason = |decision| match decision {
        CacheDecision::Run { reason } => reason,
        CacheDecision::Reuse(_) => panic!("expected a run"),
    };
    let rerun = CachePolicy { rerun: ["candidate".to_owned()].into(), ..CachePolicy::default() };
    assert_eq!(reason(run_cache(store.path(), repo.path(), rerun).decide("service", "candidate")), "--rerun names it");

    write(repo.path(), "app.py", b"print('changed')\n");
    let changed = reason(run_cache(store.path(), repo.path(), CachePolicy::default()).decide("service", "candidate"));
    assert!(changed.starts_with("no cached result for key blake3:"), "{changed}");
}

#[test]
fn failures_are_cached_only_when_asked() {
    let (repo, store) = (fixture(), tempfile::tempdir().unwrap());
    run_cache(store.path(), repo.path(), CachePolicy::default()).save("service", "test", result(false));
    assert!(matches!(run_cache(store.path(), repo.path(), CachePolicy::default()).decide("service", "test"), CacheDecision::Run { .. }));

    let keep = CachePolicy { cache_failures: true, ..CachePolicy::default() };
    run_cache(store.path(), repo.path(), keep).save("service", "test", result(false));
    let CacheDecision::Reuse(entry) = run_cache(store.path(), repo.path(), CachePolicy::default()).decide("service", "test") else {
        panic!("a cached failure is reused")
    };
    assert_eq!(entry.result["status"], "failed");
}

#[test]
fn a_corrupt_entry_is_ignored_and_noted() {
    let (repo, store) = (fixture(), tempfile::tempdir().unwrap());
    let cache = run_cache(store.path(), repo.path(), CachePolicy::default());
    cache.save("service", "candidate", result(true));
    let blobs = store.path().join("v1/blobs/sha256");
    for blob in std::fs::read_dir(&blobs).unwrap() {
        let path = blob.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if bytes == b"Ran 1 test\n" {
            std::fs::write(&path, b"Ran 1 te").unwrap();
        }
    }
    let next = run_cache(store.path(), repo.path(), CachePolicy::default());
    assert!(matches!(next.decide("service", "candidate"), CacheDecision::Run { .. }));
    let notes = next.take_notes();
    assert!(notes[0].contains("ignored"), "{notes:?}");
}
