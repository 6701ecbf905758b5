//! `gantry env` and `gantry promote` end to end. The env test builds examples/hello-python's
//! production variant through `env up --variant`, reaches it through the preview proxy on
//! the real engine, and takes it down (skipped without an engine unless CI=true or
//! GANTRY_REQUIRE_ENGINE=1). The promote test pushes to a real bare git remote.

mod release_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::predicate;
use release_support::{charts_remote, git, proxy_get};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello-python")
}

/// `gantry env <args>` in a namespace of this test's own, the proxy on a free port.
fn gantry_env(namespace: &str, args: &[&str]) -> Output {
    let mut command = Command::cargo_bin("gantry").expect("the gantry binary is built for tests");
    command.env("GANTRY_ENV_NAMESPACE", namespace).env("GANTRY_ENV_PROXY_PORT", "0");
    command.arg("-C").arg(example_dir()).arg("env").args(args).output().expect("gantry runs")
}

fn engine_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var("GANTRY_REQUIRE_ENGINE").is_ok_and(|v| v == "1")
}

#[test]
fn env_up_builds_the_variant_answers_at_its_url_and_env_down_removes_it() {
    let namespace = format!("gantry-cli-{}", std::process::id() % 1_000_000);
    let mut up = vec!["up", "--name", "hello", "--variant", "production", "--ttl", "10m"];
    let bundle = "/etc/ssl/certs/ca-certificates.crt";
    if Path::new(bundle).exists() {
        up.extend(["--ca-bundle", bundle]);
    }
    let output = gantry_env(&namespace, &up);
    if output.status.code() == Some(3) && String::from_utf8_lossy(&output.stderr).contains("cannot reach") {
        assert!(!engine_required(), "the engine is required: {}", String::from_utf8_lossy(&output.stderr));
        eprintln!("SKIP: no Docker engine; set GANTRY_REQUIRE_ENGINE=1 to make this a failure");
        return;
    }
    let stdout = String::from_utf8_lossy(&output.clone().assert().success().get_output().stdout).into_owned();
    let url = stdout.lines().last().unwrap_or_default().to_owned();
    assert!(url.starts_with("http://hello.localhost:"), "the URL is the last line: {stdout}");
    let answer = proxy_get(&url, "/healthz");
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("\"status\": \"ok\""), "{answer}");

    gantry_env(&namespace, &["list"]).assert().success().stdout(predicate::str::contains(url.as_str()));
    gantry_env(&namespace, &["down", "hello"]).assert().success();
    gantry_env(&namespace, &["down", "hello"]).assert().code(2);
    gantry_env(&namespace, &["list"]).assert().success().stderr(predicate::str::contains("no environments"));
}

#[test]
fn promote_pushes_a_review_branch_naming_the_digest_and_the_source_commit() {
    let dir = tempfile::tempdir().unwrap();
    let bare = charts_remote(dir.path(), "hello-python", "main_app:\n  version: v1 # bumped by gantry\n");

    Command::cargo_bin("gantry")
        .unwrap()
        .args(["promote", "--charts-repo", bare.to_str().unwrap(), "--chart", "hello-python", "--to", "v2"])
        .args(["--image", "127.0.0.1:5000/hello-python:v2", "--digest", "sha256:feedbeef", "--source-commit", "c0ffee"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("refs/heads/gantry-promote/hello-python/v2 "));

    let branch = "gantry-promote/hello-python/v2";
    let shown = git(&bare, &["show", &format!("{branch}:helmfile.d/services/hello-python/values.yaml")]);
    assert_eq!(shown, "main_app:\n  version: v2 # bumped by gantry");
    let message = git(&bare, &["log", "-1", "--format=%B", branch]);
    assert!(message.contains("Image: 127.0.0.1:5000/hello-python:v2@sha256:feedbeef"), "{message}");
    assert!(message.contains("Source-Commit: c0ffee"), "{message}");
}
