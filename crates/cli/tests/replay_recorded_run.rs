//! `gantry replay` on the real engine: a recorded run runs again with its recorded
//! environment values (not this shell's), and secrets from this machine's environment; the
//! replay is compared with the record, and inputs that differ here are reported as not
//! reproducible.

mod debug_support;

use debug_support::{BOOKWORM, GOOD_TOKEN, describe, engine_has, gantry_run, last_run, pipeline_repo};

fn replay(repo: &std::path::Path, run: &str) -> std::process::Output {
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary is built for tests");
    // MODE is not set here: the replay takes it from the record.
    command.arg("-C").arg(repo).args(["replay", run]).env_remove("MODE").env("API_TOKEN", GOOD_TOKEN);
    command.output().expect("gantry runs")
}

#[test]
fn a_replay_uses_the_recorded_inputs_and_reports_what_differs() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let recorded = gantry_run(repo.path(), "bad", GOOD_TOKEN, &[]);
    assert_eq!(recorded.status.code(), Some(1), "{}", describe(&recorded));
    let original = last_run(repo.path());

    let again = replay(repo.path(), &original);
    assert_eq!(again.status.code(), Some(1), "the same failure: {}", describe(&again));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains(&format!("replaying {original} with the same recorded inputs")), "{}", describe(&again));
    assert!(stderr.contains("mode=bad"), "the recorded MODE reached the stage: {}", describe(&again));
    let replayed = last_run(repo.path());
    assert_ne!(replayed, original);
    assert!(String::from_utf8_lossy(&again.stdout).contains("the results are the same"), "{}", describe(&again));

    let blubber = repo.path().join(".pipeline/blubber.yaml");
    let text = std::fs::read_to_string(&blubber).unwrap().replace("mode=$MODE", "MODE IS $MODE");
    std::fs::write(&blubber, text).unwrap();
    let changed = replay(repo.path(), &original);
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert!(stderr.contains("cannot be reproduced") && stderr.contains("[spec] .pipeline/blubber.yaml"), "{}", describe(&changed));
}
