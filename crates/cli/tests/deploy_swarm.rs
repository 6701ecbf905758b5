//! `gantry deploy` on the three-node test swarm (scripts/swarm-testbed.sh): a release whose
//! error rate fails the analysis exits 4 and the previous release serves on; a config-only
//! change deploys with no Docker engine to build on; status and history show it.

#[path = "../../deploy/tests/swarm_support/mod.rs"]
mod swarm_support;

use std::process::Output;

use assert_cmd::Command;
use swarm_support::{Image, MANAGER, MANAGER_NETNS, NETWORK, Testbed};

fn gantry(repo: &std::path::Path, args: &[&str]) -> Output {
    Command::cargo_bin("gantry")
        .unwrap()
        .current_dir(repo)
        .env("GANTRY_SWARM_HOST", MANAGER)
        .env("GANTRY_SWARM_NETNS", MANAGER_NETNS)
        .env("GANTRY_SWARM_NETWORK", NETWORK)
        // Any attempt to build would fail: there is no engine here.
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(args)
        .output()
        .unwrap()
}

fn deploy(repo: &std::path::Path, image: Image, extra: &[&str]) -> Output {
    let reference = image.reference();
    let mut args = vec![
        "deploy",
        "--target",
        "cli",
        "--service",
        "gsw-cli",
        "--image",
        &reference,
    ];
    args.extend([
        "--replicas",
        "2",
        "--publish",
        "18110:8080",
        "--stop-grace",
        "1s",
        "--update-monitor",
        "3s",
    ]);
    args.extend(extra);
    gantry(repo, &args)
}

const CANARY: &[&str] = &[
    "--canary",
    "50,100",
    "--pause",
    "2s",
    "--interval",
    "1s",
    "--probe",
    "/healthz",
    "--metrics",
    "/cgi-bin/metrics",
    "--min-requests",
    "10",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_failing_canary_exits_4_and_a_config_change_needs_no_build() {
    let Some(_bed) = Testbed::acquire() else {
        return;
    };
    let repo = tempfile::tempdir().unwrap();
    let first = deploy(repo.path(), Image::Good1, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));

    let bad = deploy(repo.path(), Image::Errors, CANARY);
    assert_eq!(bad.status.code(), Some(4), "{}", text(&bad.stderr));
    assert!(
        text(&bad.stdout).contains("gsw-cli release 2: rolled back: check error-rate failed"),
        "{}",
        text(&bad.stdout)
    );
    assert!(
        text(&bad.stderr).contains("release 1 serves again"),
        "{}",
        text(&bad.stderr)
    );

    std::fs::write(repo.path().join("motd"), "hello").unwrap();
    let config = deploy(
        repo.path(),
        Image::Good1,
        &[
            &["--env", "GREETING=hi", "--file", "motd:/etc/web/motd"],
            CANARY,
        ]
        .concat(),
    );
    assert_eq!(config.status.code(), Some(0), "{}", text(&config.stderr));

    let history = text(
        &gantry(
            repo.path(),
            &[
                "deploy",
                "history",
                "--target",
                "cli",
                "--service",
                "gsw-cli",
            ],
        )
        .stdout,
    );
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 3, "{history}");
    for (line, state) in lines.iter().zip(["superseded", "rolled back", "live"]) {
        assert!(line.contains(state), "{history}");
    }

    let status = text(
        &gantry(
            repo.path(),
            &[
                "deploy",
                "status",
                "--target",
                "cli",
                "--service",
                "gsw-cli",
            ],
        )
        .stdout,
    );
    assert!(
        status.contains("release:  3") && status.contains("replicas: 2 of 2 running, 0 canary"),
        "{status}"
    );
}
