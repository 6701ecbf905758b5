//! The `promote` and `deploy` steps: rendered into a [`ChartPromotion`] per promote entry and
//! one [`ChartDeploy`], and handed to the run's [`ReleaseSteps`]. `deploy` binds
//! `releaseName` (PipelineLib) and `url` (gantry: where the release answers, when it does).
//!
//! Must not decide where releases go: the caller's [`ReleaseSteps`] does. Without one, the
//! steps fail with a message that says how to configure a target; none is skipped silently.

use std::sync::Arc;
use std::time::Duration;

use gantry_plan::{DeployStep, PromoteStep, sanitize_image_part};

use crate::{BindingValue, ChartDeploy, ChartPromotion, FailureKind, ReleaseSteps, StageFailure};

use super::RunBackend;
use super::stage_run::StageRun;

impl<B: RunBackend> StageRun<'_, B> {
    pub(super) async fn promote(&mut self, promote: &[PromoteStep]) -> Result<(), StageFailure> {
        let releases = self.releases("promote", "[promote] charts-repository")?;
        let promotions = promote
            .iter()
            .map(|entry| self.chart_promotion(entry))
            .collect::<Result<Vec<_>, _>>()?;
        for promotion in &promotions {
            self.log(format!(
                "promote: {} to version {} ({})",
                promotion.chart,
                promotion.version,
                environments(&promotion.environments)
            ))
            .await;
            let promoted = releases
                .promote(promotion)
                .await
                .map_err(|error| error.into_failure("promote"))?;
            for note in &promoted.notes {
                self.log(format!("promote: {note}")).await;
            }
        }
        Ok(())
    }

    pub(super) async fn deploy(&mut self, deploy: &DeployStep) -> Result<(), StageFailure> {
        let releases = self.releases("deploy", "[deploy] target")?;
        let request = self.chart_deploy(deploy)?;
        self.log(format!(
            "deploy: chart {} with {} (test: {}, timeout {} s)",
            request.chart,
            request.image_reference(),
            if request.test { "yes" } else { "no" },
            request.timeout.as_secs()
        ))
        .await;
        let release = releases
            .deploy(&request)
            .await
            .map_err(|error| error.into_failure("deploy"))?;
        for note in &release.notes {
            self.log(format!("deploy: {note}")).await;
        }
        self.bind("releaseName", release.name);
        if let Some(url) = release.url {
            self.log(format!("deploy: {} answers at {url}", request.chart)).await;
            self.bind("url", url);
        }
        Ok(())
    }

    fn releases(&self, step: &str, setting: &str) -> Result<Arc<dyn ReleaseSteps>, StageFailure> {
        self.executor.settings.releases.clone().ok_or_else(|| {
            StageFailure::new(
                FailureKind::Invalid,
                format!(
                    "{step}: no target is configured for this step; set {setting} in .pipeline/gantry.toml (docs/deploy.md), or leave the stage out with --skip"
                ),
            )
        })
    }

    fn chart_deploy(&self, deploy: &DeployStep) -> Result<ChartDeploy, StageFailure> {
        let scope = self.scope();
        let image = sanitize_image_part(&scope.render("deploy.image", &deploy.image)?);
        let chart_version = scope.render("deploy.chart.version", &deploy.chart_version)?;
        Ok(ChartDeploy {
            pipeline: self.stage.pipeline.name.clone(),
            stage: self.stage.planned.name.clone(),
            chart: scope.render("deploy.chart.name", &deploy.chart)?,
            chart_version: (!chart_version.is_empty()).then_some(chart_version),
            repository: self.executor.settings.registry.repository(&image),
            image,
            tag: sanitize_image_part(&scope.render("deploy.tag", &deploy.tag)?),
            test: deploy.test,
            timeout: Duration::from_secs(u64::from(deploy.timeout_seconds)),
            overrides: scope.render_json("deploy.overrides", &deploy.overrides)?,
        })
    }

    fn chart_promotion(&self, promote: &PromoteStep) -> Result<ChartPromotion, StageFailure> {
        let scope = self.scope();
        let chart = scope.render("promote.chart", &promote.chart)?;
        let version = scope.render("promote.version", &promote.version)?;
        // The image the version names: the one this stage published, else the chart's name
        // in the run's registry.
        let image = match self.output.exports.get("publishedImage") {
            Some(BindingValue::Text(published)) => published.clone(),
            _ => format!(
                "{}:{}",
                self.executor.settings.registry.repository(&sanitize_image_part(&chart)),
                sanitize_image_part(&version)
            ),
        };
        let digest = self
            .output
            .published
            .iter()
            .find(|published| published.reference == image)
            .map(|published| published.digest.clone());
        Ok(ChartPromotion {
            chart,
            environments: scope.render_all("promote.environments", &promote.environments)?,
            version,
            image,
            digest,
        })
    }
}

fn environments(names: &[String]) -> String {
    match names {
        [] => "every environment".to_owned(),
        names => names.join(", "),
    }
}
