//! The scheduler: runs one pipeline's stages as a DAG. A stage starts as soon as every stage
//! it needs has succeeded (no level-by-level barriers), at most `jobs` at a time, in plan
//! order among those ready. A failure stops the others (fail-fast) unless `keep_going`, which
//! finishes everything that does not depend on it. Each stage may have a timeout; the
//! cancellation token (Ctrl-C) stops everything.
//!
//! The scheduler is generic over a [`StageExecutor`] and owns all run state in one task;
//! stages report back by message. It must not know what a stage does, nor touch the engine:
//! removing what stopped stages left behind is the caller's job (by the run's label).

mod cached_execution;
mod scheduler_run;
mod stage_context;
mod stage_executor;
mod stage_graph;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::{RunEvent, RunOutcome, StageCache, StageReport};

pub use stage_context::{AncestorExports, StageContext, StageExports};
pub use stage_executor::{StageExecutor, StageOutcome};

/// A stage as the scheduler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageNode<S> {
    pub name: String,
    /// The stages it waits for, by name.
    pub needs: Vec<String>,
    /// How long it may run; `None` is no limit.
    pub timeout: Option<Duration>,
    /// What the executor runs.
    pub stage: S,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// How many stages may run at once (at least one runs).
    pub jobs: usize,
    /// On a failure, keep running what does not depend on it instead of stopping everything.
    pub keep_going: bool,
}

/// Runs pipelines with one executor, reporting on one event stream.
pub struct Scheduler<E> {
    executor: Arc<E>,
    options: SchedulerOptions,
    events: mpsc::Sender<RunEvent>,
    cancel: CancellationToken,
    /// Asked before each stage runs (see [`StageCache`]); `None` runs every stage.
    cache: Option<Arc<dyn StageCache>>,
}

/// How every stage of one pipeline ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineReport {
    /// Per stage, in plan order.
    pub stages: Vec<(String, StageReport)>,
    /// The cancellation token stopped the pipeline.
    pub interrupted: bool,
}

impl PipelineReport {
    pub fn outcome(&self) -> RunOutcome {
        match self.interrupted {
            true => RunOutcome::Interrupted,
            false => RunOutcome::of(self.stages.iter().map(|(_, report)| report)),
        }
    }
}

impl<E: StageExecutor> Scheduler<E> {
    pub fn new(
        executor: Arc<E>,
        options: SchedulerOptions,
        events: mpsc::Sender<RunEvent>,
        cancel: CancellationToken,
    ) -> Self {
        Self {
            executor,
            options,
            events,
            cancel,
            cache: None,
        }
    }

    /// Consults `cache` before each stage: a stage it restores does not run.
    pub fn with_cache(mut self, cache: Option<Arc<dyn StageCache>>) -> Self {
        self.cache = cache;
        self
    }

    /// Runs the stages of `pipeline` (in plan order: every stage after the stages it needs)
    /// and returns when none is running any more.
    pub async fn run_pipeline(
        &self,
        pipeline: &str,
        stages: Vec<StageNode<E::Stage>>,
    ) -> PipelineReport {
        scheduler_run::SchedulerRun::new(self, pipeline, stages)
            .run()
            .await
    }

    /// Reports every stage of `pipeline` as skipped for `reason`, running none.
    pub async fn skip_pipeline(
        &self,
        pipeline: &str,
        stages: Vec<StageNode<E::Stage>>,
        reason: &str,
    ) -> PipelineReport {
        scheduler_run::SchedulerRun::new(self, pipeline, stages)
            .skipped(reason)
            .run()
            .await
    }
}
