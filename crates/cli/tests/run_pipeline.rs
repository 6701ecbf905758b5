//! `gantry run` on the real engine and registry: independent stages overlap in time (from
//! the recorded start and end times, not the wall clock), a stage waits for the stages it
//! needs, images are published with their digests, files come out of containers, a failing
//! stage fails the run and fail-fast cancels the rest, steps gantry does not run yet fail
//! clearly, and no run leaves anything on the engine.

mod debug_support;
mod run_support;

use debug_support::{BOOKWORM, describe, engine_has, gantry, unique};
use run_support::{leftovers, only_record, registry_tags, repository, stage, time};
use serde_json::Value;

#[test]
fn parallel_stages_overlap_then_the_image_is_published_and_files_copied_out() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let tag = unique("published");
    let config = format!(
        "    stages:
      - name: left
        build: sleeper
        run: true
      - name: right
        build: writer
        run: true
        copy:
          - source: /tmp/out/
            destination: reports
      - name: publish
        build: app
        publish:
          image:
            tags: ['{tag}']
    execution:
      - [left, publish]
      - [right, publish]
"
    );
    let (_root, repo) = repository(&config);
    let output = gantry(&repo, &["run", "--jobs", "4", "--output", "json", "--no-cache"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    let events: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(events.iter().all(|e| e["version"] == 1));
    assert_eq!(events.first().map(|e| &e["event"]), Some(&Value::from("run_started")));
    assert_eq!(events.last().map(|e| &e["event"]), Some(&Value::from("run_finished")));
    let finished = events.iter().filter(|e| e["event"] == "stage_finished").count();
    assert_eq!(finished, 3);

    let record = only_record(&repo);
    assert_eq!(record["version"], 2);
    assert_eq!(record["outcome"], "succeeded");
    let (left, right, publish) = (stage(&record, "left"), stage(&record, "right"), stage(&record, "publish"));
    let base = &left["base_images"]["gantry.local/bookworm:1"];
    assert!(base.as_str().is_some_and(|id| id.starts_with("sha256:")), "the base image's ID is recorded: {left:#}");
    assert!(time(left, "started_at") < time(right, "finished_at") && time(right, "started_at") < time(left, "finished_at"), "left and right overlap: {record:#}");
    assert!(time(publish, "started_at") >= time(left, "finished_at").max(time(right, "finished_at")), "publish waits for both: {record:#}");
    assert!(left["exports"]["imageID"].as_str().is_some_and(|id| id.len() == 64), "{left:#}");

    let published = publish["published"].as_array().expect("published references");
    let reference = format!("127.0.0.1:5000/wikimedia/runtest:{tag}");
    assert!(published.iter().any(|p| p["reference"] == reference.as_str() && p["digest"].as_str().is_some_and(|d| d.starts_with("sha256:"))), "{publish:#}");
    if let Some(tags) = registry_tags("wikimedia/runtest") {
        assert!(tags.contains(&tag), "{tags}");
    }
    let artifacts = repo.join(".gantry/artifacts/ci/right/reports");
    assert_eq!(std::fs::read_to_string(artifacts.join("report.txt")).ok().as_deref(), Some("coverage\n"));
    assert_eq!(std::fs::read_to_string(artifacts.join("deep/x.txt")).ok().as_deref(), Some("deep\n"));

    let run_id = record["run_id"].as_str().expect("a run ID");
    let folder = repo.join(".gantry/runs").join(run_id);
    let log = std::fs::read_to_string(folder.join("ci/left.log")).expect("left's log");
    assert!(log.contains("slept"), "{log}");
    let junit = std::fs::read_to_string(folder.join("junit.xml")).expect("junit.xml");
    assert!(junit.contains("<testsuite name=\"ci\" tests=\"3\" failures=\"0\""), "{junit}");
    assert_eq!(leftovers(run_id), Vec::<String>::new());
}

#[test]
fn a_failing_stage_fails_the_run_and_fail_fast_cancels_the_rest() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let config = "    stages:
      - name: bad
        build: failing
        run: true
      - name: slow
        build: forever
        run: true
      - name: after
        build: app
    execution:
      - [bad, after]
      - [slow, after]
";
    let (_root, repo) = repository(config);
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary");
    let output = command.env("CI", "true").arg("-C").arg(&repo).args(["run", "--jobs", "4", "--no-cache"]).output().expect("gantry runs");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("[bad] about to fail"), "plain lines name their stage: {stderr}");
    assert!(stderr.contains("[bad] failed after") && stderr.contains("exited with status 3"), "{stderr}");

    let record = only_record(&repo);
    assert_eq!(record["outcome"], "failed");
    assert_eq!(record["exit_code"], 1);
    assert_eq!(stage(&record, "bad")["status"], "failed");
    assert_eq!(stage(&record, "bad")["exit_code"], 3);
    assert_eq!(stage(&record, "slow")["status"], "cancelled", "{record:#}");
    assert_eq!(stage(&record, "after")["status"], "skipped");
    assert_eq!(leftovers(record["run_id"].as_str().expect("a run ID")), Vec::<String>::new());
}

#[test]
fn unconfigured_and_unsupported_steps_fail_with_a_clear_message() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let tag = unique("before-promote");
    let config = format!(
        "    stages:
      - name: release
        build: app
        publish:
          image:
            tags: ['{tag}']
        promote:
          - chart: runtest
      - name: downstream
        trigger:
          name: another-job
    execution:
      - [release]
      - [downstream]
"
    );
    let (_root, repo) = repository(&config);
    let output = gantry(&repo, &["run", "--keep-going", "--progress", "plain", "--no-cache"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let record = only_record(&repo);
    let release = stage(&record, "release");
    let reason = release["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("promote: ") && reason.contains("set [promote] charts-repository"), "{release:#}");
    assert_eq!(release["failure"], "invalid");
    assert!(release["published"].as_array().is_some_and(|p| !p.is_empty()), "publish ran before promote: {release:#}");
    let downstream = stage(&record, "downstream");
    assert!(downstream["reason"].as_str().is_some_and(|r| r.starts_with("trigger: not supported yet")), "{downstream:#}");
}

#[test]
fn keep_failed_keeps_the_failed_stages_container_for_gantry_shell() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let config = "    stages:
      - name: bad
        build: failing
        run: true
      - name: fine
        build: app
        run: true
    execution:
      - [bad]
      - [fine]
";
    let (_root, repo) = repository(config);
    let output = gantry(&repo, &["run", "--keep-going", "--keep-failed", "--progress", "plain", "--no-cache"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let record = only_record(&repo);
    let run_id = record["run_id"].as_str().expect("a run ID");
    let kept = debug_support::docker(&["ps", "-a", "-q", "--no-trunc", "--filter", &format!("label=gantry.kept={run_id}")]);
    let kept: Vec<&str> = kept.lines().collect();
    assert_eq!(kept, [stage(&record, "bad")["exports"]["container"].as_str().expect("bad's container")]);
    assert_eq!(leftovers(run_id).len(), 1, "only the kept container stays");
    let stage_label = debug_support::docker(&["inspect", "--format", "{{index .Config.Labels \"gantry.stage\"}}", kept[0]]);
    assert_eq!(stage_label.trim(), "bad");
    debug_support::docker(&["rm", "-f", kept[0]]);
}
