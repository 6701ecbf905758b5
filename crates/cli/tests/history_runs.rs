//! `gantry runs`, `gantry show` and `gantry logs` on runs of a real pipeline on the real
//! engine: one that passes, one that fails.

mod debug_support;

use debug_support::{BOOKWORM, GOOD_TOKEN, describe, engine_has, gantry, gantry_run, last_run, pipeline_repo};

fn stdout(output: &std::process::Output) -> String {
    assert!(output.status.success(), "{}", describe(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn past_runs_are_listed_shown_and_their_logs_printed() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = pipeline_repo();
    let good = gantry_run(repo.path(), "good", GOOD_TOKEN, &[]);
    assert!(good.status.success(), "{}", describe(&good));
    let first = last_run(repo.path());
    let bad = gantry_run(repo.path(), "bad", GOOD_TOKEN, &[]);
    assert_eq!(bad.status.code(), Some(1), "{}", describe(&bad));
    let second = last_run(repo.path());

    let runs = stdout(&gantry(repo.path(), &["runs"]));
    let line = |id: &str| runs.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id} missing:\n{runs}")).to_owned();
    assert!(line(&first).contains("succeeded") && line(&first).contains("1 ok"), "{runs}");
    assert!(line(&second).contains("failed") && line(&second).contains("1 failed"), "{runs}");
    assert!(line(&first).contains(" test "), "the pipeline is named: {runs}");

    let shown = stdout(&gantry(repo.path(), &["show", "last"]));
    assert!(shown.contains(&format!("run {second}")), "{shown}");
    assert!(shown.contains("stage test/check: failed"), "{shown}");
    assert!(shown.contains("exit code 1") && shown.contains("env       MODE=bad"), "{shown}");

    let prefix = &second[..second.len() - 2];
    let logs = stdout(&gantry(repo.path(), &["logs", prefix, "check"]));
    assert!(logs.contains("mode=bad"), "{logs}");
    let all = stdout(&gantry(repo.path(), &["logs", &first]));
    assert!(all.contains("== test/check (ok) ==") && all.contains("mode=good"), "{all}");

    let unknown = gantry(repo.path(), &["show", "no-such-run"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", describe(&unknown));
}
