//! `gantry run --keep-failed` keeps the failed stage's container, and `gantry shell --failed`
//! opens it — through a real pseudo-terminal — as the failed command left it; `gantry clean`
//! removes it. Runs on the real engine.

mod debug_support;

use debug_support::{BOOKWORM, GOOD_TOKEN, Terminal, describe, engine_has, gantry, gantry_run, last_run, pipeline_repo};

#[test]
fn a_failed_stage_is_kept_and_opened_as_it_failed() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let failed = gantry_run(repo.path(), "bad", GOOD_TOKEN, &["--keep-failed"]);
    assert_eq!(failed.status.code(), Some(1), "{}", describe(&failed));
    let run = last_run(repo.path());

    let ps = gantry(repo.path(), &["ps"]);
    let listing = String::from_utf8_lossy(&ps.stdout).into_owned();
    assert!(listing.lines().any(|l| l.contains(&run) && l.contains("test/check") && l.contains("Exited (1)")), "{listing}");

    let mut terminal = Terminal::start(repo.path(), &["shell", "--failed", "check"], 24, 80);
    terminal.expect("as it was when its command failed");
    terminal.expect("$ ");
    // The file the failed command wrote, the stage's environment, its user.
    terminal.type_text("cat /tmp/mode; echo MODE=$MODE; id -un\r");
    terminal.expect("bad");
    terminal.expect("MODE=bad");
    terminal.type_text("exit\r");
    assert_eq!(terminal.wait(), 0, "{}", terminal.screen());

    let passed = gantry_run(repo.path(), "good", GOOD_TOKEN, &["--keep-failed"]);
    assert!(passed.status.success(), "{}", describe(&passed));
    let passed_run = last_run(repo.path());
    let listing = String::from_utf8_lossy(&gantry(repo.path(), &["ps"]).stdout).into_owned();
    assert!(!listing.contains(&passed_run), "a stage that passed is not kept: {listing}");

    let record = std::fs::read_to_string(repo.path().join(".gantry/runs").join(&run).join("record.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    let image = record["stages"][0]["images"][0]["id"].as_str().unwrap().to_owned();
    let clean = gantry(repo.path(), &["clean", "--run", &run]);
    assert!(String::from_utf8_lossy(&clean.stderr).contains("removed 1 kept container"), "{}", describe(&clean));
    let gone = std::process::Command::new("docker").args(["image", "inspect", &image]).output().unwrap();
    assert!(!gone.status.success(), "the untagged image only the kept container held is removed too");
}
