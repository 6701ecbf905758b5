//! [`HelmTarget`]: the `kubernetes` deploy target — each service is a Helm release of one
//! deployment-charts-style chart, with values gantry writes per release.
//!
//! A deploy lints a local chart with the real helm first (no cluster needed), then runs
//! `helm upgrade --install --atomic --wait` with the description `gantry release N`, then
//! `helm test`; a failed test rolls back to the previous revision (exit code 4 in the CLI).
//! Rollback by hand finds the Helm revision of a gantry release by that description.
//! Must not talk to Kubernetes except through helm, and must not keep state beyond release
//! history and the values files under `<state dir>/deploy/<name>/`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::chart_values::merge;
use crate::manual_rollback::ManualRollback;
use super::{ChartValues, Helm, HelmCall, HelmRelease};
use crate::{
    DeployError, DeployEvent, DeployFuture, DeployOutcome, DeployRequest, DeployTarget, Release, ReleaseHistory,
    ReleaseNumber, ReleaseRecord, ReleaseState, ServiceStatus, Timestamp,
};

/// The chart and cluster settings of one `kubernetes` target.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmTargetSettings {
    /// The target's name (release history lives under it).
    pub name: String,
    /// A chart directory, or a chart name in `repo`.
    pub chart: String,
    pub chart_version: Option<String>,
    pub repo: Option<String>,
    pub namespace: String,
    pub timeout: Duration,
    /// Run `helm test` after each deploy (PipelineLib's `deploy.test`, default true).
    pub run_tests: bool,
    /// PipelineLib's `deploy.overrides`, deep-merged into every release's values.
    pub overrides: Value,
    pub state_dir: PathBuf,
}

/// One line of `helm history --output json`.
#[derive(Debug, Deserialize)]
struct HelmRevision {
    revision: u32,
    #[serde(default)]
    status: String,
    #[serde(default)]
    description: String,
}

/// Services as Helm releases.
#[derive(Clone)]
pub struct HelmTarget {
    helm: Arc<dyn Helm>,
    settings: HelmTargetSettings,
}

impl std::fmt::Debug for HelmTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelmTarget").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl HelmTarget {
    pub fn new(helm: Arc<dyn Helm>, settings: HelmTargetSettings) -> Self {
        Self { helm, settings }
    }

    /// Runs `call` on a blocking thread.
    async fn run(&self, call: HelmCall) -> Result<String, DeployError> {
        let helm = Arc::clone(&self.helm);
        tokio::task::spawn_blocking(move || helm.run(&call)).await.map_err(|error| DeployError::Engine {
            target: self.settings.name.clone(),
            operation: "run helm".into(),
            reason: error.to_string(),
        })?
    }

    fn history(&self) -> Result<ReleaseHistory, DeployError> {
        ReleaseHistory::load(&self.settings.state_dir, &self.settings.name)
    }

    /// The values of `release`, written under the state directory; returns the file.
    fn write_values(&self, release: &Release, request: &DeployRequest) -> Result<PathBuf, DeployError> {
        let mut values = ChartValues::for_reference(&release.image.reference);
        if let Some(digest) = &release.image.digest {
            values.version = format!("{}@{digest}", values.version);
        }
        let mut overrides = json!({"main_app": {"replicas": request.replicas}, "config": {"public": release.config.env}});
        if let Some(publish) = request.publish {
            overrides["main_app"]["port"] = json!(publish.container);
        }
        // The stage's overrides win over what gantry derives from the request.
        merge(&mut overrides, &self.settings.overrides);
        values.overrides = overrides;
        let dir = self.settings.state_dir.join("deploy").join(&self.settings.name).join(&release.service);
        let path = values.write(&dir)?;
        let kept = dir.join(format!("values-{}.yaml", release.number));
        std::fs::rename(&path, &kept).map_err(|error| DeployError::Invalid(format!("cannot write {}: {error}", kept.display())))?;
        Ok(kept)
    }

    fn release(&self, service: &str, values_file: PathBuf, number: ReleaseNumber) -> HelmRelease {
        HelmRelease {
            name: service.to_owned(),
            chart: self.settings.chart.clone(),
            chart_version: self.settings.chart_version.clone(),
            repo: self.settings.repo.clone(),
            namespace: self.settings.namespace.clone(),
            values_file,
            timeout: self.settings.timeout,
            description: Some(description(number)),
        }
    }

    async fn deploy_request(&self, request: &DeployRequest, events: mpsc::Sender<DeployEvent>) -> Result<DeployOutcome, DeployError> {
        refuse_unsupported(request)?;
        let mut history = self.history()?;
        let number = history.next_number(&request.service);
        let release = Release::new(&request.service, number, request.image.clone(), request.config.clone());
        let values_file = self.write_values(&release, request)?;
        if Path::new(&self.settings.chart).is_dir() {
            let lint = HelmCall::Lint { chart: PathBuf::from(&self.settings.chart), values_file: values_file.clone() };
            self.run(lint).await.map_err(|error| DeployError::Invalid(format!("the chart does not lint with these values: {error}")))?;
        }
        let _ = events
            .send(DeployEvent::ReleaseStarted {
                service: release.service.clone(),
                release: number,
                image: release.image.pinned(),
                config_version: release.config_version.clone(),
                at: Timestamp::now_utc(),
            })
            .await;
        let previous = history.live(&request.service).map(|record| record.release.number);
        history.start(release.clone());
        history.save()?;
        if let Err(error) = self.run(HelmCall::UpgradeInstall(self.release(&request.service, values_file, number))).await {
            history.finish(&request.service, number, ReleaseState::Failed, Some(error.to_string()));
            history.save()?;
            return Err(error);
        }
        let failure = match self.settings.run_tests {
            true => self.run(self.test_call(&request.service)).await.err(),
            false => None,
        };
        let Some(failure) = failure else {
            let _ = events.send(DeployEvent::Promoted { release: number }).await;
            history.finish(&request.service, number, ReleaseState::Live, None);
            history.save()?;
            return Ok(DeployOutcome { release, state: ReleaseState::Live, reason: None });
        };
        let reason = format!("helm test failed: {failure}");
        self.undo(&request.service, number, previous, &reason, &events).await?;
        let state = if previous.is_some() { ReleaseState::RolledBack } else { ReleaseState::Failed };
        history.finish(&request.service, number, state, Some(reason.clone()));
        history.save()?;
        match previous {
            Some(_) => Ok(DeployOutcome { release, state, reason: Some(reason) }),
            None => Err(DeployError::Engine {
                target: self.settings.name.clone(),
                operation: format!("first release of {}", request.service),
                reason: format!("{reason}; the release was uninstalled"),
            }),
        }
    }

    /// After a failed test: back to the previous revision, or uninstall a first release.
    async fn undo(
        &self,
        service: &str,
        number: ReleaseNumber,
        previous: Option<ReleaseNumber>,
        reason: &str,
        events: &mpsc::Sender<DeployEvent>,
    ) -> Result<(), DeployError> {
        let namespace = self.settings.namespace.clone();
        let Some(previous) = previous else {
            return self.run(HelmCall::Uninstall { name: service.to_owned(), namespace }).await.map(|_| ());
        };
        let _ = events.send(DeployEvent::RollbackStarted { from: number, to: previous, reason: reason.to_owned() }).await;
        let started = tokio::time::Instant::now();
        let rollback = HelmCall::Rollback { name: service.to_owned(), namespace, revision: None, timeout: self.settings.timeout };
        self.run(rollback).await?;
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let _ = events.send(DeployEvent::RollbackFinished { to: previous, millis }).await;
        Ok(())
    }

    async fn rollback_release(
        &self,
        service: &str,
        to: Option<ReleaseNumber>,
        events: mpsc::Sender<DeployEvent>,
    ) -> Result<DeployOutcome, DeployError> {
        let mut history = self.history()?;
        let rollback = ManualRollback::plan(&history, service, to, self.unknown(service), &events).await?;
        let wanted = description(rollback.release.number);
        let revision = self.revisions(service).await?.into_iter().rev().find(|r| r.description == wanted);
        let revision = revision
            .ok_or_else(|| DeployError::Invalid(format!("helm history of {service} has no revision described as \"{wanted}\"")))?;
        let namespace = self.settings.namespace.clone();
        let call = HelmCall::Rollback { name: service.to_owned(), namespace, revision: Some(revision.revision), timeout: self.settings.timeout };
        self.run(call).await?;
        rollback.finish(&mut history, &events).await
    }

    async fn revisions(&self, service: &str) -> Result<Vec<HelmRevision>, DeployError> {
        let call = HelmCall::History { name: service.to_owned(), namespace: self.settings.namespace.clone() };
        let text = self.run(call).await?;
        serde_json::from_str(&text).map_err(|error| DeployError::Engine {
            target: self.settings.name.clone(),
            operation: format!("read helm history of {service}"),
            reason: error.to_string(),
        })
    }

    async fn service_status(&self, service: &str) -> Result<ServiceStatus, DeployError> {
        let revisions = self.revisions(service).await?;
        let latest = revisions.iter().max_by_key(|r| r.revision).ok_or_else(|| self.unknown(service))?;
        let release = latest.description.strip_prefix("gantry release ").and_then(|n| n.parse().ok());
        let image = release.and_then(|number| self.history().ok()?.find(service, number).map(|r| r.release.image.pinned()));
        Ok(ServiceStatus {
            service: service.to_owned(),
            release,
            image,
            desired_replicas: 0,
            running_replicas: 0,
            canary_replicas: 0,
            notes: vec![
                format!("helm revision {}: {} ({})", latest.revision, latest.status, latest.description),
                "replica counts come from the cluster (kubectl), which this target does not query".into(),
            ],
        })
    }

    fn test_call(&self, service: &str) -> HelmCall {
        HelmCall::Test { name: service.to_owned(), namespace: self.settings.namespace.clone(), timeout: self.settings.timeout }
    }

    fn unknown(&self, service: &str) -> DeployError {
        DeployError::UnknownService { target: self.settings.name.clone(), service: service.to_owned() }
    }
}

fn description(number: ReleaseNumber) -> String {
    format!("gantry release {number}")
}

fn refuse_unsupported(request: &DeployRequest) -> Result<(), DeployError> {
    let problem = if request.canary.is_some() {
        "a canary plan (use the swarm target)"
    } else if !request.config.files.is_empty() || !request.config.secrets.is_empty() {
        "config files or secrets (put them in the chart's values)"
    } else {
        return Ok(());
    };
    Err(DeployError::Invalid(format!("the kubernetes target cannot deploy {problem}")))
}

impl DeployTarget for HelmTarget {
    fn name(&self) -> &str {
        &self.settings.name
    }

    fn deploy<'a>(&'a self, request: &'a DeployRequest, events: mpsc::Sender<DeployEvent>) -> DeployFuture<'a, DeployOutcome> {
        Box::pin(self.deploy_request(request, events))
    }

    fn status<'a>(&'a self, service: &'a str) -> DeployFuture<'a, ServiceStatus> {
        Box::pin(self.service_status(service))
    }

    fn rollback<'a>(
        &'a self,
        service: &'a str,
        to: Option<ReleaseNumber>,
        events: mpsc::Sender<DeployEvent>,
    ) -> DeployFuture<'a, DeployOutcome> {
        Box::pin(self.rollback_release(service, to, events))
    }

    fn history<'a>(&'a self, service: &'a str) -> DeployFuture<'a, Vec<ReleaseRecord>> {
        Box::pin(async move { Ok(self.history()?.records(service).to_vec()) })
    }
}
