//! [`RunReleases`]: where a run's `deploy` and `promote` steps go, from `[deploy]` and
//! `[promote]` in the settings (and `--deploy-target`).
//!
//! - `docker`: a deploy is a preview environment on this Docker host, named after the chart
//!   and the change (`<chart>-<branch>`), answering at its URL through the proxy of
//!   `gantry env`; it outlives the run (its TTL, `gantry env down`), so a reviewer gets a
//!   link. `overrides.main_app.port` is its port and `overrides.config.public` its
//!   environment, as deployment-charts charts read them.
//! - `kubernetes`: a CI release through helm ([`CiReleases`]), removed when the run ends.
//! - `promote`: a review branch (or Gerrit change) in the deployment-charts repository.
//!
//! This module turns settings into targets and maps their errors to stage failures; it must
//! not talk to the engine, helm or git itself (`gantry_deploy` does).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gantry_deploy::docker_target::{DEFAULT_APP_PORT, EnvironmentName, EnvironmentSpec, PreviewHost, Ttl};
use gantry_deploy::helm::{CiClusterSettings, CiDeploy, CiReleases, HelmCli};
use gantry_deploy::promote::{PromoteError, Promoter, Promotion, Review};
use gantry_deploy::{DeployError, ImageRef};
use gantry_engine::{
    ChartDeploy, ChartPromotion, ChartRelease, FailureKind, PromotedChart, ReleaseFuture, ReleaseStepError, ReleaseSteps,
};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::commands::env::{Change, preview_settings_from_environment};
use crate::git_facts::GitFacts;
use crate::settings::{DeploySettings, PromoteSettings, StepTarget};

/// PipelineLib's chart repository for CI deploys.
const PIPELINELIB_CHART_REPO: &str = "https://helm-charts.wikimedia.org/stable/";
/// How long a preview environment from a pipeline lives unless `[deploy] ttl` says.
const DEFAULT_PREVIEW_TTL: &str = "1d";

pub(crate) struct RunReleases {
    deploy: Option<DeployTo>,
    promote: Option<Promoter>,
    /// The run's branch and commit: preview environments are named after them, promotions
    /// name the commit.
    change: Change,
}

enum DeployTo {
    Docker { host: Box<OnceCell<PreviewHost>>, ttl: Ttl, port: Option<u16> },
    Kubernetes(Arc<CiReleases>),
}

impl RunReleases {
    /// The targets the settings name; `target` (the flag) wins over `[deploy] target`.
    pub fn from_settings(
        git: &GitFacts,
        run_dir: &Path,
        deploy: &DeploySettings,
        target: Option<StepTarget>,
        promote: &PromoteSettings,
    ) -> Result<Self, String> {
        let deploy = match target.or(deploy.target) {
            None => None,
            Some(StepTarget::Docker) => Some(docker(deploy)?),
            Some(StepTarget::Kubernetes) => Some(kubernetes(deploy, run_dir)?),
        };
        let promote = promote.charts_repository.as_ref().map(|remote| promoter(remote, promote));
        Ok(Self { deploy, promote, change: Change::from(git) })
    }

    async fn deploy_docker(&self, host: &OnceCell<PreviewHost>, ttl: Ttl, port: Option<u16>, request: &ChartDeploy) -> Result<ChartRelease, ReleaseStepError> {
        let host = host.get_or_try_init(|| async { PreviewHost::connect(preview_settings_from_environment()?).await }).await.map_err(failure)?;
        let name = self.environment_name(&request.chart)?;
        let mut spec = EnvironmentSpec::new(name, request.image_reference());
        spec.port = override_port(&request.overrides)?.or(port).unwrap_or(DEFAULT_APP_PORT);
        spec.env = public_config(&request.overrides)?;
        spec.ttl = Some(ttl);
        spec.commit = self.change.commit.clone();
        let wait = if request.test { request.timeout } else { Duration::ZERO };
        let environment = host.up(&spec, wait).await.map_err(failure)?;
        Ok(ChartRelease {
            name: environment.name.clone(),
            url: Some(environment.url.clone()),
            notes: vec![format!(
                "preview environment {} (release {}) stays for {ttl} or until `gantry env down {}`",
                environment.name, environment.release, environment.name
            )],
        })
    }

    /// `<chart>-<branch>`, or `<chart>-change-<commit>` on a detached HEAD.
    fn environment_name(&self, chart: &str) -> Result<EnvironmentName, ReleaseStepError> {
        let change = self.change.label().unwrap_or_else(|| "local".into());
        EnvironmentName::from_branch(&format!("{chart}-{change}")).ok_or_else(|| {
            ReleaseStepError::new(FailureKind::Invalid, format!("cannot name an environment after chart {chart:?}"))
        })
    }
}

impl ReleaseSteps for RunReleases {
    fn deploy<'a>(&'a self, request: &'a ChartDeploy) -> ReleaseFuture<'a, ChartRelease> {
        Box::pin(async move {
            match &self.deploy {
                None => Err(ReleaseStepError::new(
                    FailureKind::Invalid,
                    "no target is configured for this step; set [deploy] target = \"docker\" or \"kubernetes\" in .pipeline/gantry.toml, or pass --deploy-target",
                )),
                Some(DeployTo::Docker { host, ttl, port }) => self.deploy_docker(host, *ttl, *port, request).await,
                Some(DeployTo::Kubernetes(cluster)) => {
                    let cluster = Arc::clone(cluster);
                    let deploy = CiDeploy {
                        chart: request.chart.clone(),
                        chart_version: request.chart_version.clone(),
                        image: request.image_reference(),
                        test: request.test,
                        timeout: request.timeout,
                        overrides: request.overrides.clone(),
                    };
                    let name = blocking(move || cluster.install(&deploy).map_err(failure)).await?;
                    Ok(ChartRelease { name: name.clone(), url: None, notes: vec![format!("release {name} installed; it is uninstalled when the run ends")] })
                }
            }
        })
    }

    fn promote<'a>(&'a self, request: &'a ChartPromotion) -> ReleaseFuture<'a, PromotedChart> {
        Box::pin(async move {
            let Some(promoter) = self.promote.clone() else {
                return Err(ReleaseStepError::new(
                    FailureKind::Invalid,
                    "no deployment-charts repository is configured; set [promote] charts-repository in .pipeline/gantry.toml",
                ));
            };
            let Some(source_commit) = self.change.commit.clone() else {
                return Err(ReleaseStepError::new(FailureKind::Invalid, "cannot read the source commit: the repository is not a git checkout"));
            };
            let image = ImageRef::new(&request.image);
            let promotion = Promotion {
                chart: request.chart.clone(),
                environments: request.environments.clone(),
                version: request.version.clone(),
                image: match &request.digest {
                    Some(digest) => image.with_digest(digest),
                    None => image,
                },
                source_commit,
                source_repository: None,
            };
            let workdir = std::env::temp_dir().join(format!("gantry-promote-{}-{}", std::process::id(), promotion.branch()));
            let branches = blocking(move || {
                let outcome = promoter.promote(std::slice::from_ref(&promotion), &workdir);
                let _ = std::fs::remove_dir_all(&workdir);
                outcome.map_err(promote_failure)
            })
            .await?;
            let branch = branches.into_iter().next();
            let notes = match &branch {
                Some(branch) if branch.commit.is_some() => {
                    let files = branch.files.iter().map(|file| file.display().to_string()).collect::<Vec<_>>().join(", ");
                    vec![format!("pushed {} ({}) changing {files}", branch.pushed_ref, branch.commit.as_deref().unwrap_or_default())]
                }
                _ => vec![format!("{} already has version {}; nothing pushed", request.chart, request.version)],
            };
            Ok(PromotedChart {
                chart: request.chart.clone(),
                pushed_ref: branch.filter(|branch| branch.commit.is_some()).map(|branch| branch.pushed_ref),
                notes,
            })
        })
    }

    fn teardown(&self) -> ReleaseFuture<'_, ()> {
        Box::pin(async move {
            match &self.deploy {
                Some(DeployTo::Kubernetes(cluster)) => {
                    let cluster = Arc::clone(cluster);
                    blocking(move || cluster.teardown().map_err(failure)).await
                }
                // Preview environments outlive the run by design: their TTL removes them.
                _ => Ok(()),
            }
        })
    }
}

fn docker(settings: &DeploySettings) -> Result<DeployTo, String> {
    let ttl = settings.ttl.as_deref().unwrap_or(DEFAULT_PREVIEW_TTL);
    let ttl = Ttl::parse(ttl).map_err(|error| format!("[deploy] ttl: {error}"))?;
    Ok(DeployTo::Docker { host: Box::default(), ttl, port: settings.port })
}

fn kubernetes(settings: &DeploySettings, run_dir: &Path) -> Result<DeployTo, String> {
    let program = HelmCli::locate(std::env::var_os("PATH").as_deref())
        .ok_or("[deploy] target = \"kubernetes\" needs helm 3 on PATH (scripts/setup.sh installs it)")?;
    let helm = HelmCli { program, kubeconfig: settings.kubeconfig.clone(), kube_context: settings.kube_context.clone() };
    let cluster = CiClusterSettings {
        namespace: settings.namespace.clone().unwrap_or_else(|| gantry_deploy::helm::CI_NAMESPACE.into()),
        repo: Some(settings.chart_repo.clone().unwrap_or_else(|| PIPELINELIB_CHART_REPO.into())),
        charts_dir: settings.charts_dir.clone(),
        values_dir: run_dir.join("helm-values"),
    };
    Ok(DeployTo::Kubernetes(Arc::new(CiReleases::new(Arc::new(helm), cluster))))
}

fn promoter(remote: &str, settings: &PromoteSettings) -> Promoter {
    Promoter {
        remote: remote.to_owned(),
        base_branch: settings.base.clone(),
        author_name: settings.author_name.clone().unwrap_or_else(|| "gantry".into()),
        author_email: settings.author_email.clone().unwrap_or_else(|| "gantry@localhost".into()),
        review: match &settings.gerrit_topic {
            Some(topic) => Review::Gerrit { topic: topic.clone(), reviewers: Vec::new() },
            None => Review::Branch,
        },
    }
}

/// `overrides.main_app.port`, when the stage sets it.
fn override_port(overrides: &Value) -> Result<Option<u16>, ReleaseStepError> {
    let Some(port) = overrides.pointer("/main_app/port") else { return Ok(None) };
    port.as_u64().and_then(|port| u16::try_from(port).ok()).map(Some).ok_or_else(|| {
        ReleaseStepError::new(FailureKind::Invalid, format!("overrides.main_app.port: {port} is not a port number"))
    })
}

/// `overrides.config.public`: the application's environment, as deployment-charts sets it.
fn public_config(overrides: &Value) -> Result<std::collections::BTreeMap<String, String>, ReleaseStepError> {
    let Some(config) = overrides.pointer("/config/public") else { return Ok(Default::default()) };
    let Some(config) = config.as_object() else {
        return Err(ReleaseStepError::new(FailureKind::Invalid, "overrides.config.public: expected a map of names to values"));
    };
    Ok(config
        .iter()
        .map(|(name, value)| match value {
            Value::String(text) => (name.clone(), text.clone()),
            other => (name.clone(), other.to_string()),
        })
        .collect())
}

/// Runs blocking target work (helm, git) off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, ReleaseStepError> + Send + 'static) -> Result<T, ReleaseStepError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| Err(ReleaseStepError::new(FailureKind::Infrastructure, format!("the step's worker stopped: {error}"))))
}

/// A target's error as a stage failure: bad requests are the stage's to fix, a release that
/// does not come up or pass its tests is the stage's failure, an unreachable target is
/// infrastructure.
fn failure(error: DeployError) -> ReleaseStepError {
    let kind = match &error {
        DeployError::Invalid(_) | DeployError::UnknownService { .. } | DeployError::NoPreviousRelease { .. } => FailureKind::Invalid,
        DeployError::Engine { .. } | DeployError::Timeout { .. } => FailureKind::Step,
        _ => FailureKind::Infrastructure,
    };
    ReleaseStepError::new(kind, error.to_string())
}

fn promote_failure(error: PromoteError) -> ReleaseStepError {
    let kind = match &error {
        PromoteError::Invalid(_) | PromoteError::Values { .. } => FailureKind::Invalid,
        PromoteError::Git { .. } | PromoteError::Io { .. } => FailureKind::Infrastructure,
    };
    ReleaseStepError::new(kind, error.to_string())
}

