//! The comparison on runs that differ in one known input each: that input is named first.

use gantry_record::{DifferenceKind, RunFacts, RunInputs, StageFacts, Verdict, compare};

fn stage(name: &str, needs: &[&str], status: &str) -> StageFacts {
    StageFacts {
        pipeline: "test".into(),
        stage: name.into(),
        needs: needs.iter().map(|n| n.to_string()).collect(),
        status: status.into(),
        duration_ms: 2000,
        base_images: [("gantry.local/bookworm:1".to_owned(), "sha256:aaa".to_owned())].into(),
        env: [("GREETING".to_owned(), "hello".to_owned())].into(),
        arguments: vec!["make".into(), "test".into()],
        ..StageFacts::default()
    }
}

fn run(id: &str, unit_status: &str) -> RunFacts {
    let outcome = if unit_status == "ok" { "succeeded" } else { "failed" };
    RunFacts {
        run_id: id.into(),
        origin: "laptop".into(),
        outcome: outcome.into(),
        inputs: RunInputs {
            commit: Some("c0ffee".into()),
            specs: [(".pipeline/config.yaml".to_owned(), "sha256:1".to_owned())].into(),
            engine: [("version".to_owned(), "20.10.24".to_owned()), ("arch".to_owned(), "amd64".to_owned())].into(),
            gantry_version: "0.1.0".into(),
            limits: [("jobs".to_owned(), "2".to_owned())].into(),
            ..RunInputs::default()
        },
        stages: vec![stage("build", &[], "ok"), stage("lint", &["build"], "ok"), stage("unit", &["build"], unit_status)],
    }
}

#[test]
fn identical_inputs_with_different_results_are_flaky() {
    let diff = compare(&run("a", "ok"), &run("b", "failed"));
    assert_eq!(diff.verdict, Verdict::Flaky);
    assert!(diff.render().contains("FLAKY"), "{}", diff.render());
}

#[test]
fn identical_runs_have_the_same_result_and_no_differences() {
    let diff = compare(&run("a", "ok"), &run("b", "ok"));
    assert_eq!(diff.verdict, Verdict::SameResult);
    assert!(diff.differences.is_empty());
}

/// Changes `b` with `change`, and checks that the first difference is of `kind`.
fn first_cause(change: impl FnOnce(&mut RunFacts), kind: DifferenceKind, what: &str) {
    let a = run("a", "ok");
    let mut b = run("b", "failed");
    // Circumstances that differ too, and must come after the cause.
    b.stages[2].duration_ms = 9000;
    b.stages.swap(1, 2);
    change(&mut b);
    let diff = compare(&a, &b);
    assert_eq!(diff.verdict, Verdict::Explained, "{}", diff.render());
    let first = &diff.differences[0];
    assert_eq!((first.kind, first.what.as_str()), (kind, what), "{}", diff.render());
    let last_kinds: Vec<_> = diff.differences.iter().rev().take(2).map(|d| d.kind).collect();
    assert!(last_kinds.contains(&DifferenceKind::Timing) && last_kinds.contains(&DifferenceKind::Order), "{}", diff.render());
}

#[test]
fn each_kind_of_input_is_named_as_the_cause() {
    first_cause(|b| b.inputs.commit = Some("decade".into()), DifferenceKind::Source, "commit");
    first_cause(|b| { b.inputs.specs.insert(".pipeline/config.yaml".into(), "sha256:2".into()); }, DifferenceKind::Spec, ".pipeline/config.yaml");
    first_cause(|b| { b.stages[1].base_images.insert("gantry.local/bookworm:1".into(), "sha256:bbb".into()); }, DifferenceKind::BaseImage, "gantry.local/bookworm:1");
    first_cause(|b| { b.stages[1].env.insert("GREETING".into(), "bye".into()); }, DifferenceKind::Environment, "env GREETING");
    first_cause(|b| b.stages[1].arguments.push("-v".into()), DifferenceKind::Arguments, "arguments");
    first_cause(|b| { b.inputs.engine.insert("arch".into(), "arm64".into()); }, DifferenceKind::Engine, "engine arch");
    first_cause(|b| b.inputs.gantry_version = "0.2.0".into(), DifferenceKind::GantryVersion, "gantry");
    first_cause(|b| b.stages[1].cached = true, DifferenceKind::CacheUse, "execution");
    first_cause(|b| { b.inputs.limits.insert("jobs".into(), "1".into()); }, DifferenceKind::Limits, "jobs");
}

#[test]
fn a_difference_in_the_failed_stage_or_what_it_needs_comes_before_one_elsewhere() {
    let a = run("a", "ok");
    let mut b = run("b", "failed");
    // lint does not lead to unit; build does.
    b.stages[1].base_images.insert("gantry.local/bookworm:1".into(), "sha256:lint".into());
    b.stages[0].env.insert("GREETING".into(), "bye".into());
    b.stages[2].arguments.push("-x".into());
    let diff = compare(&a, &b);
    let order: Vec<_> = diff.differences.iter().map(|d| d.stage.clone().unwrap_or_default()).collect();
    assert_eq!(order, ["test/unit", "test/build", "test/lint"], "{}", diff.render());
}

#[test]
fn secrets_stay_redacted_in_the_comparison() {
    let mut a = run("a", "ok");
    let mut b = run("b", "ok");
    a.stages[2].env.insert("TOKEN".into(), "<redacted>".into());
    b.stages[2].env.insert("TOKEN".into(), "<redacted>".into());
    assert!(compare(&a, &b).differences.is_empty());
}
