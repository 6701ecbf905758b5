//! Ctrl-C during `gantry run` on the real engine: the real binary gets SIGINT while a stage's
//! container sleeps; it exits with 130 and leaves no container, network or volume of the run.

mod debug_support;
mod run_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use debug_support::{BOOKWORM, docker, engine_has};
use run_support::{leftovers, only_record, repository, stage};
use serde_json::Value;

const CONFIG: &str = "    stages:
      - name: forever
        build: forever
        run: true
      - name: later
        build: app
    execution:
      - [forever, later]
";

/// Polls `ready` every 200 ms for up to a minute.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn ctrl_c_stops_the_run_with_130_and_leaves_nothing_behind() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let (_root, repo) = repository(CONFIG);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("gantry"))
        .arg("-C")
        .arg(&repo)
        .args(["run", "--output", "json", "--no-cache"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("gantry starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first: Value = serde_json::from_str(&lines.next().expect("an event").expect("a line")).expect("JSON");
    assert_eq!(first["event"], "run_started");
    let run_id = first["run_id"].as_str().expect("a run ID").to_owned();
    let filter = format!("label=gantry.run={run_id}");
    wait_for("the stage's container", || !docker(&["ps", "-q", "--filter", &filter]).trim().is_empty());

    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let rest: Vec<Value> = lines.map_while(Result::ok).filter_map(|line| serde_json::from_str(&line).ok()).collect();
    let status = child.wait().expect("gantry exits");
    assert_eq!(status.code(), Some(130));
    assert_eq!(rest.last().map(|e| &e["outcome"]), Some(&Value::from("interrupted")));
    assert_eq!(leftovers(&run_id), Vec::<String>::new());

    let record = only_record(&repo);
    assert_eq!(record["exit_code"], 130);
    assert_eq!(stage(&record, "forever")["status"], "cancelled");
    assert_eq!(stage(&record, "later")["status"], "skipped");
}
