//! One stage through the [`StageCache`]: restore an earlier result (its log replayed, shown
//! as `cached`), or run the stage while keeping a copy of its log and hand the result to the
//! cache afterwards.
//!
//! This module must not decide what is cached or compute keys (the cache does), and must not
//! touch other stages.

use tokio::sync::mpsc;

use crate::{CacheLookup, CachedResult, LogSource, RunEvent, StageCache};

use super::{StageContext, StageExecutor, StageOutcome};

/// Runs `stage` unless `cache` restores it.
pub(super) async fn execute_with_cache<E: StageExecutor>(
    executor: &E,
    cache: &dyn StageCache,
    stage: &E::Stage,
    context: StageContext,
) -> StageOutcome {
    let stage_ref = context.stage.clone();
    match cache.lookup(&stage_ref).await {
        CacheLookup::Restore(result) => restore(*result, &context).await,
        CacheLookup::Run { reason, key } => {
            context.log(LogSource::Gantry, format!("not cached: {reason}")).await;
            let (mut outcome, log) = run_recording(executor, stage, context).await;
            outcome.output.cache_key = key;
            cache.save(&stage_ref, &CachedResult::from_outcome(&outcome, log)).await;
            outcome
        }
    }
}

async fn restore(result: CachedResult, context: &StageContext) -> StageOutcome {
    for (source, line) in &result.log {
        context.log(*source, line.clone()).await;
    }
    let mut outcome = result.into_outcome();
    outcome.output.cached = true;
    outcome
}

/// Runs the stage with a context whose log lines go both to the run and to a copy.
async fn run_recording<E: StageExecutor>(executor: &E, stage: &E::Stage, context: StageContext) -> (StageOutcome, Vec<(LogSource, String)>) {
    let (sender, mut receiver) = mpsc::channel(256);
    let inner = StageContext::new(context.stage.clone(), context.ancestors.clone(), sender);
    let copy = async {
        let mut log = Vec::new();
        while let Some(event) = receiver.recv().await {
            if let RunEvent::StageLog { source, line, .. } = event {
                context.log(source, line.clone()).await;
                log.push((source, line));
            }
        }
        log
    };
    tokio::join!(executor.execute(stage, inner), copy)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::scheduler::{Scheduler, SchedulerOptions, StageNode};
    use crate::{BindingValue, CacheFuture, FailureKind, StageFailure, StageOutput, StageRef, StageStatus};

    /// Logs one line and binds `ran`; fails when asked.
    struct Logging;

    impl StageExecutor for Logging {
        type Stage = bool;

        async fn execute(&self, fail: &bool, context: StageContext) -> StageOutcome {
            context.log(LogSource::Stdout, "Ran 3 tests").await;
            let mut output = StageOutput { exit_code: Some(i64::from(*fail)), ..StageOutput::default() };
            output.exports.insert("ran".into(), BindingValue::Text("yes".into()));
            match fail {
                false => StageOutcome::succeeded(output),
                true => StageOutcome::failed(output, StageFailure::new(FailureKind::Step, "exit status 1")),
            }
        }
    }

    /// Keeps whatever is saved, by stage name, and restores it next time.
    #[derive(Default)]
    struct Memory {
        kept: Mutex<BTreeMap<String, CachedResult>>,
    }

    impl StageCache for Memory {
        fn lookup<'a>(&'a self, stage: &'a StageRef) -> CacheFuture<'a, CacheLookup> {
            Box::pin(async move {
                match self.kept.lock().unwrap().get(&stage.stage) {
                    Some(result) => CacheLookup::Restore(Box::new(result.clone())),
                    None => CacheLookup::Run { reason: "nothing kept".into(), key: Some(format!("key-{}", stage.stage)) },
                }
            })
        }

        fn save<'a>(&'a self, stage: &'a StageRef, result: &'a CachedResult) -> CacheFuture<'a, ()> {
            Box::pin(async move {
                self.kept.lock().unwrap().insert(stage.stage.clone(), result.clone());
            })
        }
    }

    async fn run(cache: Arc<Memory>, fail: bool) -> (StageOutput, StageStatus, Vec<String>) {
        let (sender, mut receiver) = mpsc::channel(64);
        let options = SchedulerOptions { jobs: 1, keep_going: false };
        let scheduler = Scheduler::new(Arc::new(Logging), options, sender, CancellationToken::new()).with_cache(Some(cache));
        let node = StageNode { name: "test".into(), needs: vec![], timeout: None, stage: fail };
        let report = scheduler.run_pipeline("p", vec![node]).await;
        drop(scheduler);
        let mut lines = Vec::new();
        while let Some(event) = receiver.recv().await {
            if let RunEvent::StageLog { line, .. } = event {
                lines.push(line);
            }
        }
        let (_, stage) = report.stages.into_iter().next().unwrap();
        (stage.output, stage.status, lines)
    }

    #[tokio::test]
    async fn a_cached_run_yields_the_same_outputs_and_status_as_the_real_run() {
        let cache = Arc::new(Memory::default());
        let (first, first_status, first_log) = run(cache.clone(), false).await;
        assert!(!first.cached);
        assert_eq!(first.cache_key.as_deref(), Some("key-test"));
        assert_eq!(first_log, ["not cached: nothing kept", "Ran 3 tests"]);

        let (second, second_status, second_log) = run(cache, false).await;
        assert!(second.cached);
        assert_eq!(StageOutput { cached: false, ..second }, first);
        assert_eq!(second_status, first_status);
        assert_eq!(second_log, ["Ran 3 tests"]);
    }

    #[tokio::test]
    async fn a_restored_failure_fails_the_same_way() {
        let cache = Arc::new(Memory::default());
        let (first, first_status, _) = run(cache.clone(), true).await;
        let (second, second_status, _) = run(cache, true).await;
        assert_eq!((first_status, second_status), (StageStatus::Failed, StageStatus::Failed));
        assert_eq!(second.exit_code, first.exit_code);
        assert!(second.cached);
    }
}
