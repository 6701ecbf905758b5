//! The PipelineLib executor: runs a [`Plan`] on a backend — pipelines one after the other (a
//! failed pipeline stops the ones after it unless `keep_going`), each pipeline's stages
//! through the [`Scheduler`] — and removes everything the run created on the engine, and
//! the temporary releases its `deploy` steps made, when it ends, however it ends (success,
//! failure, timeout, Ctrl-C).
//!
//! It must not read files, the environment or the terminal: the caller hands over what the
//! run needs in [`RunSettings`] and consumes the [`RunEvent`] stream.

mod build_step;
mod copy_step;
mod layer_cache;
mod interactive_stage;
mod local_image;
mod pipeline_stages;
mod publish_step;
mod registry_target;
mod release_step;
mod run_settings;
mod run_step;
mod secret_redactor;
mod shell_step;
mod stage_run;
mod stage_scope;
mod stage_timeouts;

use std::sync::Arc;
use std::time::{Duration, Instant};

use gantry_plan::Plan;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::scheduler::{PipelineReport, Scheduler};
use crate::{
    BindingValue, DebugRunner, ImageBuilder, ImagePublisher, RunCleanup, RunEvent, RunOutcome,
    StageContainers, StageStatus, Timestamp,
};

pub use interactive_stage::InteractiveStage;
pub use layer_cache::LayerCache;
pub use local_image::local_image_prefix;
pub use pipeline_stages::pipelinelib_timestamp;
pub use registry_target::RegistryTarget;
pub use run_settings::RunSettings;
pub use stage_timeouts::StageTimeouts;

use pipeline_stages::{PipelineStages, summaries};

/// Everything the executor needs of a backend.
pub trait RunBackend:
    ImageBuilder + StageContainers + ImagePublisher + RunCleanup + DebugRunner + 'static
{
}

impl<T: ImageBuilder + StageContainers + ImagePublisher + RunCleanup + DebugRunner + 'static>
    RunBackend for T
{
}

/// After a run that did not end normally, a request the engine was still serving when its
/// stage stopped may create a container after the first cleanup; the second finds it.
const SECOND_CLEANUP_DELAY: Duration = Duration::from_millis(300);

/// Runs every pipeline of `plan` and returns how the run ended. Events go to `events`;
/// cancelling `cancel` stops the run (the outcome is then [`RunOutcome::Interrupted`]).
pub async fn run_plan<B: RunBackend>(
    backend: Arc<B>,
    plan: &Plan,
    settings: RunSettings,
    events: mpsc::Sender<RunEvent>,
    cancel: CancellationToken,
) -> RunOutcome {
    let started = Instant::now();
    let run_id = settings.run_id.clone();
    let options = settings.scheduling;
    let _ = events
        .send(RunEvent::RunStarted {
            run_id: run_id.clone(),
            at: Timestamp::now_utc(),
            pipelines: summaries(&plan.pipelines),
        })
        .await;
    let keep_failed = settings.keep_failed;
    let cache = settings.cache.clone();
    let executor = Arc::new(PipelineStages::new(backend.clone(), settings));
    let scheduler = Scheduler::new(executor.clone(), options, events.clone(), cancel).with_cache(cache);
    let mut outcome = RunOutcome::Succeeded;
    let mut kept = Vec::new();
    // `Some(tags)` while no stage has executed: the local names restored stages got.
    let mut restored_only = Some(Vec::new());
    for pipeline in &plan.pipelines {
        let stages = executor.nodes(pipeline);
        let report = match outcome {
            RunOutcome::Failed | RunOutcome::Infrastructure if !options.keep_going => {
                let reason =
                    "an earlier pipeline failed (with --keep-going, later pipelines still run)";
                scheduler
                    .skip_pipeline(&pipeline.name, stages, reason)
                    .await
            }
            _ => scheduler.run_pipeline(&pipeline.name, stages).await,
        };
        outcome = outcome.worst(report.outcome());
        restored_only = restored_only.and_then(|mut tags| {
            tags.extend(restored_local_names(&report, &run_id)?);
            Some(tags)
        });
        if keep_failed {
            kept.extend(failed_containers(&report));
        }
    }
    let teardown = match &executor.settings.releases {
        Some(releases) => releases
            .teardown()
            .await
            .err()
            .map(|error| format!("tearing down the run's releases: {error}")),
        None => None,
    };
    let removal = match restored_only {
        Some(tags) if outcome != RunOutcome::Interrupted => backend
            .remove_restored_run(&run_id, &tags)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        _ => cleanup(backend.as_ref(), &run_id, &kept, outcome).await,
    }
    .err();
    let error = match (teardown, removal) {
        (Some(teardown), Some(removal)) => Some(format!("{teardown}; {removal}")),
        (teardown, removal) => teardown.or(removal),
    };
    if error.is_some() {
        outcome = outcome.worst(RunOutcome::Infrastructure);
    }
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let _ = events
        .send(RunEvent::RunFinished {
            at: Timestamp::now_utc(),
            outcome,
            duration_ms,
            error,
        })
        .await;
    outcome
}

/// Removes what the run created, except the containers in `kept`.
async fn cleanup<B: RunBackend>(
    backend: &B,
    run_id: &str,
    kept: &[String],
    outcome: RunOutcome,
) -> Result<(), String> {
    backend
        .remove_run(run_id, kept)
        .await
        .map_err(|e| e.to_string())?;
    if outcome != RunOutcome::Succeeded {
        tokio::time::sleep(SECOND_CLEANUP_DELAY).await;
        backend
            .remove_run(run_id, kept)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The local image names (under the run's prefix) of the restored stages of `report`, or
/// `None` when one of its stages executed (started at all, restored or not).
fn restored_local_names(report: &PipelineReport, run_id: &str) -> Option<Vec<String>> {
    let prefix = local_image_prefix(run_id);
    let mut names = Vec::new();
    for (_, stage) in &report.stages {
        match (stage.output.cached, stage.status) {
            (true, _) => {}
            (false, StageStatus::Skipped) => continue,
            (false, _) => return None,
        }
        if let Some(BindingValue::Text(name)) = stage.output.exports.get("imageLocalName")
            && name.starts_with(&prefix)
        {
            names.push(name.clone());
        }
    }
    Some(names)
}

/// The containers of stages whose command failed (for `gantry shell --failed`).
fn failed_containers(report: &PipelineReport) -> impl Iterator<Item = String> + '_ {
    report.stages.iter().filter_map(|(_, stage)| {
        let failed = stage.status == StageStatus::Failed
            && stage.output.exit_code.is_some_and(|code| code != 0);
        match (failed, stage.output.exports.get("container")) {
            (true, Some(BindingValue::Text(container))) => Some(container.clone()),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StageOutput, StageReport};

    fn stage(cached: bool, status: StageStatus, local_name: Option<&str>) -> (String, StageReport) {
        let mut output = StageOutput { cached, ..StageOutput::default() };
        if let Some(name) = local_name {
            output.exports.insert("imageLocalName".into(), BindingValue::Text(name.into()));
        }
        ("s".into(), StageReport { status, output, ..StageReport::default() })
    }

    #[test]
    fn a_run_that_executed_no_stage_names_only_its_restored_local_images() {
        let prefix = local_image_prefix("run-1");
        let restored = PipelineReport {
            stages: vec![
                stage(true, StageStatus::Ok, Some(&format!("{prefix}p-build"))),
                stage(true, StageStatus::Ok, Some("localhost/gantry-older/p-build")),
                stage(false, StageStatus::Skipped, None),
            ],
            interrupted: false,
        };
        assert_eq!(restored_local_names(&restored, "run-1"), Some(vec![format!("{prefix}p-build")]));
        let executed = PipelineReport { stages: vec![stage(true, StageStatus::Ok, None), stage(false, StageStatus::Ok, None)], interrupted: false };
        assert_eq!(restored_local_names(&executed, "run-1"), None);
    }
}
