//! [`SchedulerRun`]: the state of one pipeline while it runs — which stages wait, which are
//! ready, which run — owned by the scheduler's task alone; running stages send their results
//! back through their task handles.
//!
//! This module must not know what stages do; it only starts, times and stops them.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::{Id, JoinError, JoinSet};

use crate::{FailureKind, RunEvent, StageCache, StageRef, StageReport, StageStatus, Timestamp};

use super::cached_execution::execute_with_cache;

use super::stage_graph::StageGraph;
use super::{
    AncestorExports, PipelineReport, Scheduler, StageContext, StageExecutor, StageExports,
    StageNode, StageOutcome,
};

pub(super) struct SchedulerRun<'s, E: StageExecutor> {
    scheduler: &'s Scheduler<E>,
    pipeline: String,
    nodes: Vec<Arc<StageNode<E::Stage>>>,
    /// The nodes' names, shared with every stage's [`AncestorExports`].
    names: Vec<Arc<str>>,
    graph: StageGraph,
    /// Per stage, how many of its needs have not succeeded yet (`None`: one never will).
    waiting: Vec<Option<usize>>,
    ready: BinaryHeap<Reverse<usize>>,
    running: JoinSet<TaskEnd>,
    started: HashMap<Id, Started>,
    reports: Vec<Option<StageReport>>,
    exports: Vec<Option<StageExports>>,
    stop: Option<Stop>,
}

/// How a stage's task ended on its own.
enum TaskEnd {
    Finished(Box<StageOutcome>),
    TimedOut(Duration),
}

struct Started {
    index: usize,
    instant: Instant,
    at: Timestamp,
}

/// Why the run stopped starting stages.
enum Stop {
    Failed(String),
    Interrupted,
    /// The caller skipped the whole pipeline.
    Skipped(String),
}

impl<'s, E: StageExecutor> SchedulerRun<'s, E> {
    pub fn new(
        scheduler: &'s Scheduler<E>,
        pipeline: &str,
        stages: Vec<StageNode<E::Stage>>,
    ) -> Self {
        let graph = StageGraph::new(stages.iter().map(|s| (s.name.as_str(), s.needs.as_slice())));
        let count = stages.len();
        SchedulerRun {
            scheduler,
            pipeline: pipeline.to_owned(),
            waiting: (0..count).map(|i| graph.needs_count(i)).collect(),
            names: stages.iter().map(|s| Arc::from(s.name.as_str())).collect(),
            nodes: stages.into_iter().map(Arc::new).collect(),
            graph,
            ready: BinaryHeap::new(),
            running: JoinSet::new(),
            started: HashMap::new(),
            reports: vec![None; count],
            exports: vec![None; count],
            stop: None,
        }
    }

    /// Starts nothing: every stage ends skipped for `reason`.
    pub fn skipped(mut self, reason: &str) -> Self {
        self.stop = Some(Stop::Skipped(reason.to_owned()));
        self
    }

    pub async fn run(mut self) -> PipelineReport {
        for index in 0..self.graph.len() {
            if self.waiting[index] == Some(0) && self.stop.is_none() {
                self.queue(index).await;
            }
        }
        let cancel = self.scheduler.cancel.clone();
        loop {
            if self.stop.is_none() && cancel.is_cancelled() {
                self.stop_all(Stop::Interrupted);
            }
            self.start_ready().await;
            if self.running.is_empty() {
                break;
            }
            tokio::select! {
                _ = cancel.cancelled(), if self.stop.is_none() => self.stop_all(Stop::Interrupted),
                Some(joined) = self.running.join_next_with_id() => self.finish(joined).await,
            }
        }
        self.skip_unstarted().await;
        let interrupted = matches!(self.stop, Some(Stop::Interrupted));
        let stages = self
            .nodes
            .iter()
            .zip(self.reports)
            .map(|(node, report)| (node.name.clone(), report.unwrap_or_default()))
            .collect();
        PipelineReport {
            stages,
            interrupted,
        }
    }

    async fn queue(&mut self, index: usize) {
        self.ready.push(Reverse(index));
        self.emit(RunEvent::StageQueued {
            stage: self.stage_ref(index),
        })
        .await;
    }

    async fn start_ready(&mut self) {
        let jobs = self.scheduler.options.jobs.max(1);
        while self.stop.is_none() && self.running.len() < jobs {
            let Some(Reverse(index)) = self.ready.pop() else {
                break;
            };
            self.start(index).await;
        }
    }

    async fn start(&mut self, index: usize) {
        let at = Timestamp::now_utc();
        self.emit(RunEvent::StageStarted {
            stage: self.stage_ref(index),
            at,
        })
        .await;
        let context = StageContext::new(
            self.stage_ref(index),
            self.ancestor_exports(index),
            self.scheduler.events.clone(),
        );
        let executor = self.scheduler.executor.clone();
        let cache = self.scheduler.cache.clone();
        let node = self.nodes[index].clone();
        let instant = Instant::now();
        let handle = self
            .running
            .spawn(async move { execute(&*executor, cache.as_deref(), &node, context).await });
        self.started
            .insert(handle.id(), Started { index, instant, at });
    }

    fn ancestor_exports(&self, index: usize) -> AncestorExports {
        let of = |ancestor: usize| {
            self.exports[ancestor]
                .clone()
                .map(|e| (self.names[ancestor].clone(), e))
        };
        self.graph
            .ancestors(index)
            .iter()
            .filter_map(|&a| of(a))
            .collect()
    }

    async fn finish(&mut self, joined: Result<(Id, TaskEnd), JoinError>) {
        let (id, end) = match joined {
            Ok((id, end)) => (id, Ok(end)),
            Err(error) => (error.id(), Err(error)),
        };
        let Some(started) = self.started.remove(&id) else {
            return;
        };
        let mut report = match end {
            Ok(TaskEnd::Finished(outcome)) => finished_report(*outcome),
            Ok(TaskEnd::TimedOut(limit)) => not_ok(
                StageStatus::TimedOut,
                format!("ran longer than its timeout of {}", seconds(limit)),
            ),
            Err(error) if error.is_cancelled() => {
                not_ok(StageStatus::Cancelled, self.stop_reason())
            }
            Err(_) => StageReport {
                failure: Some(FailureKind::Infrastructure),
                ..not_ok(
                    StageStatus::Failed,
                    "the stage's executor stopped unexpectedly".into(),
                )
            },
        };
        report.duration_ms =
            u64::try_from(started.instant.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.complete(started, report).await;
    }

    async fn complete(&mut self, started: Started, report: StageReport) {
        let index = started.index;
        let status = report.status;
        if status == StageStatus::Ok {
            self.exports[index] = Some(Arc::new(report.output.exports.clone()));
        }
        self.emit(RunEvent::StageFinished {
            stage: self.stage_ref(index),
            started_at: Some(started.at),
            at: Timestamp::now_utc(),
            report: Box::new(report.clone()),
        })
        .await;
        self.reports[index] = Some(report);
        match status {
            StageStatus::Ok => self.release_dependents(index).await,
            StageStatus::Failed | StageStatus::TimedOut
                if !self.scheduler.options.keep_going && self.stop.is_none() =>
            {
                self.stop_all(Stop::Failed(self.nodes[index].name.clone()))
            }
            _ => {}
        }
    }

    async fn release_dependents(&mut self, index: usize) {
        for position in 0..self.graph.dependents(index).len() {
            let child = self.graph.dependents(index)[position];
            self.waiting[child] = self.waiting[child].map(|n| n.saturating_sub(1));
            if self.waiting[child] == Some(0) && self.stop.is_none() {
                self.queue(child).await;
            }
        }
    }

    fn stop_all(&mut self, stop: Stop) {
        self.stop = Some(stop);
        self.ready.clear();
        self.running.abort_all();
    }

    async fn skip_unstarted(&mut self) {
        for index in 0..self.nodes.len() {
            if self.reports[index].is_none() {
                let report = not_ok(StageStatus::Skipped, self.skip_reason(index));
                self.emit(RunEvent::StageFinished {
                    stage: self.stage_ref(index),
                    started_at: None,
                    at: Timestamp::now_utc(),
                    report: Box::new(report.clone()),
                })
                .await;
                self.reports[index] = Some(report);
            }
        }
    }

    /// Why a stage never started: the first stage it needs that did not succeed, else why
    /// the run stopped. Stages come in plan order, so the needs' reports exist already.
    fn skip_reason(&self, index: usize) -> String {
        if let Some(Stop::Skipped(reason)) = &self.stop {
            return reason.clone();
        }
        let position = |name: &str| self.nodes.iter().position(|n| n.name == name);
        for need in &self.nodes[index].needs {
            let status = position(need)
                .and_then(|p| self.reports[p].as_ref())
                .map(|r| r.status);
            match status {
                Some(StageStatus::Ok) => {}
                Some(status) => return format!("needs '{need}', which {}", status_phrase(status)),
                None => return format!("needs '{need}', which is not in the pipeline"),
            }
        }
        self.stop_reason()
    }

    fn stop_reason(&self) -> String {
        match &self.stop {
            Some(Stop::Interrupted) => "the run was interrupted".into(),
            Some(Stop::Skipped(reason)) => reason.clone(),
            Some(Stop::Failed(stage)) => {
                format!(
                    "the run stopped when '{stage}' failed (with --keep-going, stages that do not need it go on)"
                )
            }
            None => "never became ready".into(),
        }
    }

    fn stage_ref(&self, index: usize) -> StageRef {
        StageRef::new(self.pipeline.clone(), self.nodes[index].name.clone())
    }

    async fn emit(&self, event: RunEvent) {
        let _ = self.scheduler.events.send(event).await;
    }
}

async fn execute<E: StageExecutor>(
    executor: &E,
    cache: Option<&dyn StageCache>,
    node: &StageNode<E::Stage>,
    context: StageContext,
) -> TaskEnd {
    let work = async {
        match cache {
            Some(cache) => execute_with_cache(executor, cache, &node.stage, context).await,
            None => executor.execute(&node.stage, context).await,
        }
    };
    match node.timeout {
        None => TaskEnd::Finished(Box::new(work.await)),
        Some(limit) => match tokio::time::timeout(limit, work).await {
            Ok(outcome) => TaskEnd::Finished(Box::new(outcome)),
            Err(_) => TaskEnd::TimedOut(limit),
        },
    }
}

fn finished_report(outcome: StageOutcome) -> StageReport {
    match outcome.failure {
        None => StageReport {
            output: outcome.output,
            ..StageReport::default()
        },
        Some(failure) => StageReport {
            status: StageStatus::Failed,
            reason: Some(failure.message),
            failure: Some(failure.kind),
            output: outcome.output,
            duration_ms: 0,
        },
    }
}

fn not_ok(status: StageStatus, reason: String) -> StageReport {
    StageReport {
        status,
        reason: Some(reason),
        ..StageReport::default()
    }
}

fn status_phrase(status: StageStatus) -> &'static str {
    match status {
        StageStatus::Ok => "succeeded",
        StageStatus::Failed => "failed",
        StageStatus::Skipped => "was skipped",
        StageStatus::Cancelled => "was cancelled",
        StageStatus::TimedOut => "timed out",
    }
}

fn seconds(duration: Duration) -> String {
    format!("{}s", duration.as_secs_f64())
}
