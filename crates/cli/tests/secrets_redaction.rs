//! A stage that prints its secret: the secret reaches the stage (it passes only with a long
//! enough token) and appears nowhere gantry writes — the progress output, the stage log, the
//! record, the JUnit report, `gantry show` and `gantry logs`, an exported bundle — nor in the
//! image the stage ran (its layers, config and history).

mod debug_support;

use std::path::Path;

use debug_support::{BOOKWORM, GOOD_TOKEN, describe, docker, engine_has, gantry, gantry_run, last_run, pipeline_repo};

const SECRET: &str = GOOD_TOKEN;

/// Every file below `dir` whose text contains `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path).is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(needle)) {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn a_printed_secret_is_redacted_everywhere() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let output = gantry_run(repo.path(), "good", SECRET, &[]);
    assert!(output.status.success(), "the stage got its secret: {}", describe(&output));
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(printed.contains("token=<redacted>"), "{printed}");
    assert!(!printed.contains(&format!("token={SECRET}")), "{printed}");

    let run = last_run(repo.path());
    let folder = repo.path().join(".gantry/runs").join(&run);
    assert!(folder.join("record.json").is_file() && folder.join("junit.xml").is_file());
    assert_eq!(files_containing(&folder, SECRET), Vec::<String>::new());
    let log = std::fs::read_to_string(folder.join("test/check.log")).unwrap();
    assert!(log.contains("token=<redacted>"), "{log}");

    for args in [vec!["show", run.as_str()], vec!["logs", run.as_str()], vec!["record", "export", run.as_str()]] {
        let shown = gantry(repo.path(), &args);
        assert!(shown.status.success(), "{}", describe(&shown));
        assert!(!String::from_utf8_lossy(&shown.stdout).contains(SECRET), "gantry {args:?} shows the secret");
    }

    // A failed run with --keep-failed keeps its container, and with it the image it ran.
    let kept = gantry_run(repo.path(), "bad", SECRET, &["--keep-failed"]);
    assert_eq!(kept.status.code(), Some(1), "{}", describe(&kept));
    let kept_run = last_run(repo.path());
    let kept_folder = repo.path().join(".gantry/runs").join(&kept_run);
    assert_eq!(files_containing(&kept_folder, SECRET), Vec::<String>::new());
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(kept_folder.join("record.json")).unwrap()).unwrap();
    let image = record["stages"][0]["images"][0]["id"].as_str().unwrap().to_owned();
    let inspected = docker(&["image", "inspect", &image]);
    let history = docker(&["image", "history", "--no-trunc", &image]);
    assert!(!inspected.contains(SECRET) && !history.contains(SECRET), "the image's config and history hold no secret");
    let saved = std::process::Command::new("docker").args(["image", "save", &image]).output().unwrap();
    gantry(repo.path(), &["clean", "--run", &kept_run]);
    assert!(saved.status.success());
    assert!(!String::from_utf8_lossy(&saved.stdout).contains(SECRET), "no layer holds the secret");
}
