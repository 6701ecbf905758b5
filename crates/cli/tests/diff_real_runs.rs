//! `gantry diff` on records of real runs that differ in one known input each: the input is
//! named first; when only a secret differs (never recorded), the verdict is flaky.

mod debug_support;

use debug_support::{BAD_TOKEN, BOOKWORM, GOOD_TOKEN, describe, engine_has, gantry, gantry_run, last_run, pipeline_repo};

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
