//! `gantry gate REPO_DIR...` on the real engine: three small repositories gated in one
//! process — the first gate runs all three; after one repository changes, the unchanged ones
//! are reported cached without a run (no new run folder) and only the changed one runs; a
//! failing repository makes the gate exit 1; an invalid one stops it before anything runs
//! (exit 2).

mod debug_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use debug_support::{BOOKWORM, describe, engine_has};
use serde_json::Value;

/// A repository `name` with lint, test and package stages on the local Debian image.
fn small_repository(root: &Path, name: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join(".pipeline")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let blubber = format!(
        "version: v4\nbase: {BOOKWORM}\nlives:\n  in: /srv/{name}\nvariants:\n  lint:\n    copies: [local]\n    entrypoint: [sh, -n, src/main.sh]\n  test:\n    copies: [local]\n    entrypoint: [sh, src/test.sh]\n  package:\n    copies:\n      - from: local\n        source: src/main.sh\n        destination: main.sh\n    entrypoint: [sh, main.sh]\n"
    );
    let config = "pipelines:\n  ci:\n    blubberfile: blubber.yaml\n    stages:\n      - name: lint\n      - name: test\n      - name: package\n        build: package\n";
    std::fs::write(dir.join(".pipeline/blubber.yaml"), blubber).unwrap();
    std::fs::write(dir.join(".pipeline/config.yaml"), config).unwrap();
    std::fs::write(dir.join("src/main.sh"), format!("echo \"repository {name}\"\n")).unwrap();
    std::fs::write(dir.join("src/test.sh"), "sh src/main.sh | grep -q repository && echo ok\n").unwrap();
    std::fs::write(dir.join(".dockerignore"), ".gantry\n").unwrap();
    dir
}

/// `gantry gate --output json REPOS...` with the stage cache in `cache`: the output, each
/// repository's line by directory name, and the gate's line.
fn gate(repos: &[&Path], cache: &Path) -> (Output, Vec<(String, Value)>, Value) {
    let output = assert_cmd::Command::cargo_bin("gantry")
        .expect("the gantry binary")
        .args(["gate", "--output", "json", "--jobs", "2"])
        .args(repos)
        .env("GANTRY_CACHE_DIR", cache)
        .env_remove("GANTRY_CACHE_REGISTRY")
        .env_remove("GANTRY_CACHE_PUSH")
        .output()
        .expect("gantry runs");
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let gate = lines.iter().find(|l| l.get("gate").is_some()).cloned().unwrap_or_else(|| panic!("no gate line\n{}", describe(&output)));
    let repositories = lines
        .into_iter()
        .filter_map(|l| {
            let name = Path::new(l["repository"].as_str()?).file_name()?.to_string_lossy().into_owned();
            Some((name, l))
        })
        .collect();
    (output, repositories, gate)
}

fn verdict<'a>(repositories: &'a [(String, Value)], name: &str) -> &'a Value {
    &repositories.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name} in {repositories:#?}")).1
}

fn runs(repo: &Path) -> usize {
    std::fs::read_dir(repo.join(".gantry/runs")).map_or(0, |entries| entries.count())
}

#[test]
fn unchanged_repositories_are_reported_cached_and_only_the_changed_one_runs() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let (a, b, c) = (small_repository(root.path(), "gate-a"), small_repository(root.path(), "gate-b"), small_repository(root.path(), "gate-c"));
    let all = [a.as_path(), b.as_path(), c.as_path()];

    let (first, repositories, summary) = gate(&all, cache.path());
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    for name in ["gate-a", "gate-b", "gate-c"] {
        let verdict = verdict(&repositories, name);
        assert_eq!(verdict["result"], "succeeded", "{verdict:#}");
        assert_eq!(verdict["stages"]["ci/test"], "ok", "{verdict:#}");
        assert!(verdict["record"].is_string(), "{verdict:#}");
    }
    assert_eq!((summary["ran"].as_u64(), summary["cached"].as_u64()), (Some(3), Some(0)), "{summary:#}");

    std::fs::write(c.join("src/main.sh"), "echo \"repository c, changed\"\n").unwrap();
    let (second, repositories, summary) = gate(&all, cache.path());
    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    for (name, dir) in [("gate-a", &a), ("gate-b", &b)] {
        let verdict = verdict(&repositories, name);
        assert_eq!(verdict["result"], "cached", "{verdict:#}");
        assert!(verdict["record"].is_null(), "{verdict:#}");
        for stage in ["ci/lint", "ci/test", "ci/package"] {
            assert_eq!(verdict["stages"][stage], "cached", "{verdict:#}");
        }
        assert_eq!(runs(dir), 1, "a cached repository starts no run");
    }
    let changed = verdict(&repositories, "gate-c");
    assert_eq!(changed["result"], "succeeded", "{changed:#}");
    for stage in ["ci/lint", "ci/test", "ci/package"] {
        assert_eq!(changed["stages"][stage], "ok", "every stage of c reads src/main.sh: {changed:#}");
    }
    assert_eq!(runs(&c), 2);
    assert_eq!((summary["ran"].as_u64(), summary["cached"].as_u64(), summary["exit_code"].as_u64()), (Some(1), Some(2), Some(0)), "{summary:#}");

    std::fs::write(b.join("src/test.sh"), "echo failing; exit 1\n").unwrap();
    let (third, repositories, summary) = gate(&all, cache.path());
    assert_eq!(third.status.code(), Some(1), "{}", describe(&third));
    assert_eq!(verdict(&repositories, "gate-a")["result"], "cached");
    assert_eq!(verdict(&repositories, "gate-c")["result"], "cached");
    let failed = verdict(&repositories, "gate-b");
    assert_eq!((failed["result"].as_str(), failed["exit_code"].as_u64()), (Some("failed"), Some(1)), "{failed:#}");
    assert_eq!(failed["stages"]["ci/test"], "failed", "{failed:#}");
    assert_eq!((summary["gate"].as_str(), summary["exit_code"].as_u64()), (Some("failed"), Some(1)), "{summary:#}");
}

#[test]
fn an_invalid_repository_stops_the_gate_before_anything_runs() {
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let good = small_repository(root.path(), "gate-good");
    let bad = small_repository(root.path(), "gate-bad");
    std::fs::write(bad.join(".pipeline/config.yaml"), "pipelines:\n  ci:\n    stages:\n      - name: lint\n        build: nowhere\n").unwrap();

    let output = assert_cmd::Command::cargo_bin("gantry")
        .expect("the gantry binary")
        .arg("gate")
        .args([&good, &bad])
        .env("GANTRY_CACHE_DIR", cache.path())
        .output()
        .expect("gantry runs");
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("gate-bad is invalid"), "{stderr}");
    assert_eq!(runs(&good), 0, "nothing ran");
}
