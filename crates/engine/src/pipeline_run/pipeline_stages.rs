//! [`PipelineStages`]: the scheduler's executor for PipelineLib stages on a real backend —
//! one [`StageRun`] per stage.
//!
//! Must not schedule: it runs the one stage it is given, with the values the scheduler hands
//! over.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use gantry_plan::{PipelinePlan, PlannedStage};

use crate::Timestamp;
use crate::scheduler::{StageContext, StageExecutor, StageNode, StageOutcome};

use super::secret_redactor::SecretRedactor;
use super::stage_run::StageRun;
use super::{RunBackend, RunSettings};

pub(crate) struct PipelineStages<B> {
    pub backend: Arc<B>,
    pub settings: RunSettings,
    pub redactor: SecretRedactor,
}

/// A planned stage with what its pipeline gives every stage.
pub(crate) struct PipelineStage {
    pub pipeline: Arc<PipelineScope>,
    pub planned: PlannedStage,
}

/// What every stage of one pipeline shares.
pub(crate) struct PipelineScope {
    pub name: String,
    /// The working directory of the pipeline's steps.
    pub directory: PathBuf,
    /// `setup`'s values for this pipeline.
    pub setup: BTreeMap<String, String>,
}

impl<B: RunBackend> PipelineStages<B> {
    pub fn new(backend: Arc<B>, settings: RunSettings) -> Self {
        let secrets = settings.credentials.values().map(String::as_str);
        let password = settings
            .registry
            .auth
            .as_ref()
            .map(|auth| auth.password.as_str());
        let redactor = SecretRedactor::new(secrets.chain(password));
        Self {
            backend,
            settings,
            redactor,
        }
    }

    /// The scheduler's view of `pipeline`'s stages.
    pub fn nodes(&self, pipeline: &PipelinePlan) -> Vec<StageNode<PipelineStage>> {
        let scope = Arc::new(self.pipeline_scope(pipeline));
        pipeline
            .stages
            .iter()
            .map(|stage| StageNode {
                name: stage.name.clone(),
                needs: stage.needs.clone(),
                timeout: self.settings.timeouts.for_stage(&stage.name),
                stage: PipelineStage {
                    pipeline: scope.clone(),
                    planned: stage.clone(),
                },
            })
            .collect()
    }

    fn pipeline_scope(&self, pipeline: &PipelinePlan) -> PipelineScope {
        let mut setup = self.settings.setup.clone();
        setup.insert("pipeline".into(), pipeline.name.clone());
        setup
            .entry("timestamp".into())
            .or_insert_with(|| pipelinelib_timestamp(Timestamp::now_utc()));
        PipelineScope {
            name: pipeline.name.clone(),
            directory: self.settings.repo_root.join(&pipeline.directory),
            setup,
        }
    }
}

impl<B: RunBackend> StageExecutor for PipelineStages<B> {
    type Stage = PipelineStage;

    async fn execute(&self, stage: &PipelineStage, context: StageContext) -> StageOutcome {
        let _slot = match &self.settings.stage_slots {
            Some(slots) => Some(slots.clone().acquire_owned().await),
            None => None,
        };
        StageRun::new(self, stage, &context).execute().await
    }
}

/// PipelineLib's `setup.timestamp`: UTC `yyyy-MM-dd-HHmmss`.
pub fn pipelinelib_timestamp(at: Timestamp) -> String {
    format!(
        "{:04}-{:02}-{:02}-{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Summaries of the plan's pipelines for [`RunEvent::RunStarted`](crate::RunEvent::RunStarted).
pub(crate) fn summaries(pipelines: &[PipelinePlan]) -> Vec<crate::PipelineSummary> {
    pipelines
        .iter()
        .map(|pipeline| crate::PipelineSummary {
            name: pipeline.name.clone(),
            stages: pipeline
                .stages
                .iter()
                .map(|stage| crate::StageSummary {
                    name: stage.name.clone(),
                    needs: stage.needs.clone(),
                    steps: stage.steps.names().into_iter().map(str::to_owned).collect(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_look_like_pipelinelibs() {
        let at = Timestamp::from_unix_timestamp(1_778_608_231).unwrap();
        assert_eq!(pipelinelib_timestamp(at), "2026-05-12-175031");
    }
}
