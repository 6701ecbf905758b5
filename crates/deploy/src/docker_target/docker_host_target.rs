//! [`DockerHostTarget`]: the `docker` deploy target — every service is one container on
//! this Docker host, behind the same proxy as the preview environments (a service is an
//! environment without a TTL, its release id `r<release number>`).
//!
//! Replicas, canaries and secrets without their values need a swarm: the target refuses
//! them instead of pretending. Must not keep state of its own beyond release history
//! (`<state dir>/deploy/<name>/releases.json`).

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{EnvironmentFile, EnvironmentName, EnvironmentSpec, PreviewHost};
use crate::manual_rollback::ManualRollback;
use crate::{
    DeployError, DeployEvent, DeployFuture, DeployOutcome, DeployRequest, DeployTarget, Release, ReleaseHistory,
    ReleaseNumber, ReleaseRecord, ReleaseState, ServiceStatus, Timestamp,
};

/// How long a release may take to answer through the proxy.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// Services on one Docker host.
#[derive(Debug, Clone)]
pub struct DockerHostTarget {
    name: String,
    host: PreviewHost,
    state_dir: PathBuf,
}

impl DockerHostTarget {
    /// A target called `name` using `host`, with release history under `state_dir`.
    pub fn new(name: impl Into<String>, host: PreviewHost, state_dir: impl Into<PathBuf>) -> Self {
        Self { name: name.into(), host, state_dir: state_dir.into() }
    }

    fn history(&self) -> Result<ReleaseHistory, DeployError> {
        ReleaseHistory::load(&self.state_dir, &self.name)
    }

    /// The environment a release runs as: no TTL, release id `r<number>`.
    fn spec(&self, release: &Release, port: u16, request: Option<&DeployRequest>) -> Result<EnvironmentSpec, DeployError> {
        let mut spec = EnvironmentSpec::new(EnvironmentName::new(&release.service)?, release.image.pinned());
        spec.port = port;
        spec.ttl = None;
        spec.release = Some(format!("r{}", release.number));
        spec.env = release.config.env.clone();
        spec.files = release.config.files.iter().map(|file| EnvironmentFile::text(&file.target, &file.content)).collect();
        for secret in &release.config.secrets {
            let value = request.and_then(|request| request.secret_values.get(&secret.name)).ok_or_else(|| {
                DeployError::Invalid(format!(
                    "release {} of {} needs the value of secret {}; the docker target does not store secrets — deploy it again with the value",
                    release.number, release.service, secret.name
                ))
            })?;
            spec.files.push(EnvironmentFile { path: secret.target.clone(), content: value.0.clone(), mode: 0o400 });
        }
        Ok(spec)
    }

    async fn deploy_request(&self, request: &DeployRequest, events: mpsc::Sender<DeployEvent>) -> Result<DeployOutcome, DeployError> {
        refuse_what_needs_a_swarm(request)?;
        let mut history = self.history()?;
        let number = history.next_number(&request.service);
        let release = Release::new(&request.service, number, request.image.clone(), request.config.clone());
        let port = request.publish.map_or(super::DEFAULT_APP_PORT, |publish| publish.container);
        let spec = self.spec(&release, port, Some(request))?;
        let _ = events
            .send(DeployEvent::ReleaseStarted {
                service: release.service.clone(),
                release: number,
                image: release.image.pinned(),
                config_version: release.config_version.clone(),
                at: Timestamp::now_utc(),
            })
            .await;
        history.start(release.clone());
        history.save()?;
        match self.host.up(&spec, READY_WITHIN).await {
            Ok(environment) => {
                let _ = events.send(DeployEvent::Note { message: format!("{} answers at {}", release.service, environment.url) }).await;
                let _ = events.send(DeployEvent::Promoted { release: number }).await;
                history.finish(&release.service, number, ReleaseState::Live, None);
                history.save()?;
                Ok(DeployOutcome { release, state: ReleaseState::Live, reason: None })
            }
            Err(error) => {
                history.finish(&release.service, number, ReleaseState::Failed, Some(error.to_string()));
                history.save()?;
                Err(error)
            }
        }
    }

    async fn rollback_release(
        &self,
        service: &str,
        to: Option<ReleaseNumber>,
        events: mpsc::Sender<DeployEvent>,
    ) -> Result<DeployOutcome, DeployError> {
        let mut history = self.history()?;
        let rollback = ManualRollback::plan(&history, service, to, self.unknown(service), &events).await?;
        let port = self.live_port(service).await?;
        self.host.up(&self.spec(&rollback.release, port, None)?, READY_WITHIN).await?;
        rollback.finish(&mut history, &events).await
    }

    /// The application port of the running release (a rollback keeps it).
    async fn live_port(&self, service: &str) -> Result<u16, DeployError> {
        let environments = self.host.list().await?;
        Ok(environments.iter().find(|e| e.name == service).map_or(super::DEFAULT_APP_PORT, |e| e.port))
    }

    async fn service_status(&self, service: &str) -> Result<ServiceStatus, DeployError> {
        let environments = self.host.list().await?;
        let environment = environments.into_iter().find(|e| e.name == service).ok_or_else(|| self.unknown(service))?;
        Ok(ServiceStatus {
            service: service.to_owned(),
            release: environment.release.strip_prefix('r').and_then(|number| number.parse().ok()),
            image: Some(environment.image),
            desired_replicas: 1,
            running_replicas: u32::from(environment.running),
            canary_replicas: 0,
            notes: vec![format!("answers at {}", environment.url)],
        })
    }

    fn unknown(&self, service: &str) -> DeployError {
        DeployError::UnknownService { target: self.name.clone(), service: service.to_owned() }
    }
}

fn refuse_what_needs_a_swarm(request: &DeployRequest) -> Result<(), DeployError> {
    let problem = if request.replicas != 1 {
        format!("{} replicas", request.replicas)
    } else if request.canary.is_some() {
        "a canary plan".to_owned()
    } else {
        return Ok(());
    };
    Err(DeployError::Invalid(format!(
        "the docker target runs one container per service and cannot do {problem}; use the swarm target"
    )))
}

impl DeployTarget for DockerHostTarget {
    fn name(&self) -> &str {
        &self.name
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
