//! `--policy FILE`: a Blubber policy file applied to the expanded variants.

use assert_cmd::Command;

fn gantry(args: &[&str]) -> (i32, String) {
    let cases = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/policy");
    let output = Command::cargo_bin("gantry")
        .expect("the gantry binary is built for tests")
        .arg("-C")
        .arg(cases)
        .args(args)
        .output()
        .expect("gantry runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn every_violation_is_reported_with_blubbers_wording() {
    let (code, stderr) = gantry(&["image", "check", "-f", "blubber.yaml", "--policy", "policy.yaml"]);
    insta::assert_snapshot!(format!("exit code: {code}\n{stderr}"));
}

#[test]
fn a_variant_that_satisfies_the_policy_compiles() {
    let (code, stderr) = gantry(&["image", "dockerfile", "-f", "blubber.yaml", "--policy", "policy.yaml", "build"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_violating_variant_is_not_compiled() {
    let (code, stderr) = gantry(&["image", "dockerfile", "-f", "blubber.yaml", "--policy", "policy.yaml", "production"]);
    assert_eq!(code, 2);
    assert!(stderr.contains(r#"for "variants.production.runs.insecurely" violates policy rule "isfalse""#), "{stderr}");
}
