//! [`StageRun`]: one PipelineLib stage running — its steps in PipelineLib's order (build →
//! run → copy → publish → promote → deploy → exports → trigger), each binding its values for
//! the steps and stages after it. The steps live in their own modules (`build_step`, …).
//!
//! Must not look past its own stage: other stages' values arrive in the [`StageContext`].
//! Steps gantry cannot run yet fail the stage with a clear message; none is skipped silently.

use gantry_plan::{NotifyStep, Steps};

use crate::scheduler::{StageContext, StageOutcome};
use crate::{BindingValue, FailureKind, LogSource, StageFailure, StageOutput};

use super::RunBackend;
use super::pipeline_stages::{PipelineStage, PipelineStages};
use super::stage_scope::StageScope;

pub(crate) struct StageRun<'a, B> {
    pub executor: &'a PipelineStages<B>,
    pub stage: &'a PipelineStage,
    pub context: &'a StageContext,
    pub output: StageOutput,
}

impl<'a, B: RunBackend> StageRun<'a, B> {
    pub fn new(
        executor: &'a PipelineStages<B>,
        stage: &'a PipelineStage,
        context: &'a StageContext,
    ) -> Self {
        Self {
            executor,
            stage,
            context,
            output: StageOutput::default(),
        }
    }

    pub async fn execute(mut self) -> StageOutcome {
        let planned = &self.stage.planned;
        match self.steps(&planned.steps).await {
            Ok(()) => StageOutcome::succeeded(self.output),
            Err(failure) => {
                if let Some(notify) = &planned.notify {
                    self.skip_notify(notify).await;
                }
                StageOutcome::failed(self.output, failure)
            }
        }
    }

    async fn steps(&mut self, steps: &Steps) -> Result<(), StageFailure> {
        if let Some(build) = &steps.build {
            self.build(build).await?;
        }
        if let Some(shell) = self.interactive() {
            return self.shell(&shell, steps.run.as_ref()).await;
        }
        if let Some(run) = &steps.run {
            self.run(run).await?;
        }
        if !steps.copy.is_empty() {
            self.copy(&steps.copy).await?;
        }
        if let Some(publish) = &steps.publish {
            self.publish(publish).await?;
        }
        if !steps.promote.is_empty() {
            self.promote(&steps.promote).await?;
        }
        if let Some(deploy) = &steps.deploy {
            self.deploy(deploy).await?;
        }
        for export in &steps.exports {
            let value = self
                .scope()
                .render_value(&format!("exports.{}", export.name), &export.value)?;
            self.bind(&export.name, value);
        }
        if steps.trigger.is_some() {
            return Err(unsupported("trigger", "starting other jobs"));
        }
        Ok(())
    }

    /// PipelineLib mails on failure; gantry says so instead of sending nothing silently.
    async fn skip_notify(&self, notify: &NotifyStep) {
        let to: Vec<String> = notify.to.iter().map(ToString::to_string).collect();
        self.log(format!(
            "notify: not sent to {}: e-mail notifications are not supported yet",
            to.join(", ")
        ))
        .await;
    }

    pub fn scope(&self) -> StageScope<'_> {
        StageScope {
            stage: &self.stage.planned.name,
            own: &self.output.exports,
            ancestors: &self.context.ancestors,
            setup: &self.stage.pipeline.setup,
            environment: &self.executor.settings.environment,
        }
    }

    pub fn bind(&mut self, key: &str, value: impl Into<String>) {
        self.output
            .exports
            .insert(key.to_owned(), BindingValue::Text(value.into()));
    }

    pub fn bind_list(&mut self, key: &str, values: Vec<String>) {
        self.output
            .exports
            .insert(key.to_owned(), BindingValue::List(values));
    }

    pub async fn log(&self, line: impl Into<String>) {
        self.context.log(LogSource::Gantry, line).await;
    }

    pub fn backend(&self) -> &'a B {
        self.executor.backend.as_ref()
    }
}

fn unsupported(step: &str, what: &str) -> StageFailure {
    StageFailure::new(
        FailureKind::Unsupported,
        format!(
            "{step}: not supported yet (gantry does not do {what}); leave the stage out with --skip or remove the step"
        ),
    )
}
