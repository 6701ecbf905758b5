//! The scheduler against a fake executor whose stages sleep (in paused tokio time), fail or
//! report what they saw: ordering, bounded parallelism, fail-fast, keep-going, timeouts,
//! cancellation and the scoping of values. The real executor has engine tests of its own.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::{BindingValue, FailureKind, StageFailure, StageOutput, StageStatus};

struct Fake;

#[derive(Debug, Clone, Default)]
struct FakeStage {
    sleep_ms: u64,
    fail: bool,
}

impl StageExecutor for Fake {
    type Stage = FakeStage;

    async fn execute(&self, stage: &FakeStage, context: StageContext) -> StageOutcome {
        tokio::time::sleep(Duration::from_millis(stage.sleep_ms)).await;
        let mut output = StageOutput::default();
        let seen: Vec<&str> = context.ancestors.names().collect();
        output
            .exports
            .insert("seen".into(), BindingValue::Text(seen.join(",")));
        match stage.fail {
            false => StageOutcome::succeeded(output),
            true => StageOutcome::failed(
                output,
                StageFailure::new(FailureKind::Step, "exit status 1"),
            ),
        }
    }
}

fn node(name: &str, needs: &[&str], sleep_ms: u64) -> StageNode<FakeStage> {
    StageNode {
        name: name.into(),
        needs: needs.iter().map(|n| n.to_string()).collect(),
        timeout: None,
        stage: FakeStage {
            sleep_ms,
            fail: false,
        },
    }
}

fn failing(mut node: StageNode<FakeStage>) -> StageNode<FakeStage> {
    node.stage.fail = true;
    node
}

const PARALLEL: SchedulerOptions = SchedulerOptions {
    jobs: 8,
    keep_going: false,
};

async fn run(
    stages: Vec<StageNode<FakeStage>>,
    options: SchedulerOptions,
    cancel: CancellationToken,
) -> (PipelineReport, Vec<RunEvent>) {
    let (sender, mut receiver) = mpsc::channel(1024);
    let collector = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = receiver.recv().await {
            events.push(event);
        }
        events
    });
    let scheduler = Scheduler::new(Arc::new(Fake), options, sender, cancel);
    let report = scheduler.run_pipeline("p", stages).await;
    drop(scheduler);
    (report, collector.await.unwrap())
}

/// `(kind, stage)` for started/finished events, in order.
fn timeline(events: &[RunEvent]) -> Vec<(&'static str, String)> {
    events
        .iter()
        .filter_map(|event| match event {
            RunEvent::StageStarted { stage, .. } => Some(("start", stage.stage.clone())),
            RunEvent::StageFinished { stage, .. } => Some(("end", stage.stage.clone())),
            _ => None,
        })
        .collect()
}

fn position(timeline: &[(&'static str, String)], kind: &str, stage: &str) -> usize {
    timeline
        .iter()
        .position(|(k, s)| *k == kind && s == stage)
        .unwrap_or_else(|| panic!("no {kind} of {stage}"))
}

fn status(report: &PipelineReport) -> BTreeMap<&str, (StageStatus, Option<&str>)> {
    report
        .stages
        .iter()
        .map(|(name, r)| (name.as_str(), (r.status, r.reason.as_deref())))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_stage_starts_when_its_own_needs_succeed_without_waiting_for_the_level() {
    let stages = vec![
        node("fast", &[], 10),
        node("slow", &[], 1000),
        node("after-fast", &["fast"], 10),
    ];
    let (report, events) = run(stages, PARALLEL, CancellationToken::new()).await;
    let timeline = timeline(&events);
    assert!(
        position(&timeline, "start", "after-fast") < position(&timeline, "end", "slow"),
        "{timeline:?}"
    );
    assert!(
        position(&timeline, "start", "slow") < position(&timeline, "end", "fast"),
        "roots overlap: {timeline:?}"
    );
    assert_eq!(report.outcome(), crate::RunOutcome::Succeeded);
}

#[tokio::test(start_paused = true)]
async fn no_more_than_jobs_stages_run_at_once_and_ready_stages_start_in_plan_order() {
    let stages = (0..6)
        .map(|i| node(&format!("s{i}"), &[], 10 + i))
        .collect();
    let (_, events) = run(
        stages,
        SchedulerOptions {
            jobs: 2,
            keep_going: false,
        },
        CancellationToken::new(),
    )
    .await;
    let timeline = timeline(&events);
    let mut running: i32 = 0;
    let mut most = 0;
    for (kind, _) in &timeline {
        running += if *kind == "start" { 1 } else { -1 };
        most = most.max(running);
    }
    assert_eq!(most, 2, "{timeline:?}");
    let starts: Vec<&str> = timeline
        .iter()
        .filter(|(k, _)| *k == "start")
        .map(|(_, s)| s.as_str())
        .collect();
    assert_eq!(starts, ["s0", "s1", "s2", "s3", "s4", "s5"]);
}

#[tokio::test(start_paused = true)]
async fn fail_fast_cancels_running_stages_and_skips_the_rest() {
    let stages = vec![
        failing(node("lint", &[], 10)),
        node("test", &[], 1000),
        node("publish", &["lint", "test"], 10),
        node("docs", &["test"], 10),
    ];
    let (report, _) = run(stages, PARALLEL, CancellationToken::new()).await;
    let status = status(&report);
    assert_eq!(status["lint"], (StageStatus::Failed, Some("exit status 1")));
    assert_eq!(status["test"].0, StageStatus::Cancelled);
    assert_eq!(
        status["publish"],
        (StageStatus::Skipped, Some("needs 'lint', which failed"))
    );
    assert_eq!(
        status["docs"],
        (
            StageStatus::Skipped,
            Some("needs 'test', which was cancelled")
        )
    );
    assert_eq!(report.outcome(), crate::RunOutcome::Failed);
}

#[tokio::test(start_paused = true)]
async fn keep_going_finishes_what_does_not_depend_on_the_failure() {
    let stages = vec![
        failing(node("lint", &[], 10)),
        node("test", &[], 100),
        node("publish", &["lint", "test"], 10),
        node("docs", &["test"], 10),
    ];
    let (report, _) = run(
        stages,
        SchedulerOptions {
            jobs: 8,
            keep_going: true,
        },
        CancellationToken::new(),
    )
    .await;
    let status = status(&report);
    assert_eq!(status["test"].0, StageStatus::Ok);
    assert_eq!(status["docs"].0, StageStatus::Ok);
    assert_eq!(
        status["publish"],
        (StageStatus::Skipped, Some("needs 'lint', which failed"))
    );
    assert_eq!(report.outcome(), crate::RunOutcome::Failed);
}

#[tokio::test(start_paused = true)]
async fn a_stage_past_its_timeout_is_stopped_and_fails_the_run() {
    let mut slow = node("slow", &[], 10_000);
    slow.timeout = Some(Duration::from_millis(50));
    let stages = vec![slow, node("other", &[], 5_000), node("quick", &[], 10)];
    let (report, _) = run(stages, PARALLEL, CancellationToken::new()).await;
    let status = status(&report);
    assert_eq!(
        status["slow"],
        (
            StageStatus::TimedOut,
            Some("ran longer than its timeout of 0.05s")
        )
    );
    assert_eq!(status["other"].0, StageStatus::Cancelled);
    assert_eq!(status["quick"].0, StageStatus::Ok);
    assert_eq!(report.outcome(), crate::RunOutcome::Failed);
}

#[tokio::test(start_paused = true)]
async fn cancellation_stops_running_stages_and_skips_the_rest() {
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        trigger.cancel();
    });
    let stages = vec![
        node("done", &[], 5),
        node("long", &[], 10_000),
        node("later", &["long"], 10),
    ];
    let (report, events) = run(stages, PARALLEL, cancel).await;
    let status = status(&report);
    assert_eq!(status["done"].0, StageStatus::Ok);
    assert_eq!(
        status["long"],
        (StageStatus::Cancelled, Some("the run was interrupted"))
    );
    assert_eq!(
        status["later"],
        (
            StageStatus::Skipped,
            Some("needs 'long', which was cancelled")
        )
    );
    assert_eq!(report.outcome(), crate::RunOutcome::Interrupted);
    let finished = events
        .iter()
        .filter(|e| matches!(e, RunEvent::StageFinished { .. }))
        .count();
    assert_eq!(finished, 3, "every stage gets exactly one StageFinished");
}

#[tokio::test(start_paused = true)]
async fn stages_see_the_values_of_their_ancestors_only() {
    let stages = vec![
        node("a", &[], 5),
        node("b", &["a"], 5),
        node("c", &["b"], 5),
        node("sibling", &[], 50),
    ];
    let (report, _) = run(stages, PARALLEL, CancellationToken::new()).await;
    let seen = |stage: &str| {
        report
            .stages
            .iter()
            .find(|(n, _)| n == stage)
            .map(|(_, r)| r.output.exports["seen"].clone())
    };
    assert_eq!(seen("c"), Some(BindingValue::Text("a,b".into())));
    assert_eq!(seen("sibling"), Some(BindingValue::Text(String::new())));
}

#[tokio::test(start_paused = true)]
async fn a_stage_that_needs_an_unknown_stage_is_skipped_not_awaited_forever() {
    let stages = vec![node("a", &[], 5), node("b", &["ghost"], 5)];
    let (report, _) = run(stages, PARALLEL, CancellationToken::new()).await;
    assert_eq!(
        status(&report)["b"],
        (
            StageStatus::Skipped,
            Some("needs 'ghost', which is not in the pipeline")
        )
    );
}
