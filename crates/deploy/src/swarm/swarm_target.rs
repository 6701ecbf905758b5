//! [`SwarmTarget`]: Docker Swarm mode as a [`DeployTarget`]: releases are swarm services,
//! deploy-time config lives in swarm configs and secrets, canaries are a second service.
//!
//! Must not build or push images: it deploys what the registry has, pinned to its digest.
//! Release history is written here, around each rollout, and nowhere else in `swarm`.

use tokio::sync::mpsc;

use crate::manual_rollback::ManualRollback;
use crate::swarm::{
    ReleaseObjects, Role, Rollout, ServiceBlueprint, ServiceShape, ServiceTasks, ServiceWatch,
    SwarmClient, SwarmSettings, UpdateEnd, retire_canary, update_stable,
};
use crate::{
    DeployError, DeployEvent, DeployFuture, DeployOutcome, DeployRequest, DeployTarget, Release,
    ReleaseHistory, ReleaseNumber, ReleaseRecord, ReleaseState, ServiceStatus, Timestamp,
};

/// A swarm, reached through one of its managers.
#[derive(Debug, Clone)]
pub struct SwarmTarget {
    settings: SwarmSettings,
}

impl SwarmTarget {
    pub fn new(settings: SwarmSettings) -> Self {
        Self { settings }
    }

    pub fn settings(&self) -> &SwarmSettings {
        &self.settings
    }

    async fn connect(&self) -> Result<SwarmClient, DeployError> {
        SwarmClient::connect(&self.settings.name, &self.settings.endpoint).await
    }

    fn history(&self) -> Result<ReleaseHistory, DeployError> {
        ReleaseHistory::load(&self.settings.state_dir, &self.settings.name)
    }

    fn watch<'a>(&self, client: &'a SwarmClient) -> ServiceWatch<'a> {
        ServiceWatch {
            client,
            timeout: self.settings.converge_timeout,
        }
    }

    async fn deploy_release(
        &self,
        request: &DeployRequest,
        events: mpsc::Sender<DeployEvent>,
    ) -> Result<DeployOutcome, DeployError> {
        validate(request)?;
        let client = self.connect().await?;
        let mut history = self.history()?;
        let digest = match &request.image.digest {
            Some(digest) => digest.clone(),
            None => client.resolve_digest(&request.image.reference).await?,
        };
        let image = request.image.clone().with_digest(digest);
        let release = Release::new(
            &request.service,
            history.next_number(&request.service),
            image,
            request.config.clone(),
        );
        let objects = ReleaseObjects::ensure(
            &client,
            &self.settings.name,
            &release,
            &request.secret_values,
        )
        .await?;
        history.start(release.clone());
        history.save()?;
        let _ = events
            .send(DeployEvent::ReleaseStarted {
                service: release.service.clone(),
                release: release.number,
                image: release.image.pinned(),
                config_version: release.config_version.clone(),
                at: Timestamp::now_utc(),
            })
            .await;
        let rollout = Rollout {
            client: &client,
            settings: &self.settings,
            request,
            release: &release,
            objects: &objects,
            events: &events,
        };
        let ending = rollout.run().await;
        let (state, reason) = match &ending {
            Ok(ending) => (ending.state, ending.reason.clone()),
            Err(error) => (ReleaseState::Failed, Some(error.to_string())),
        };
        history.finish(&release.service, release.number, state, reason.clone());
        history.save()?;
        ending?;
        Ok(DeployOutcome {
            release,
            state,
            reason,
        })
    }

    async fn rollback_release(
        &self,
        service: &str,
        to: Option<ReleaseNumber>,
        events: mpsc::Sender<DeployEvent>,
    ) -> Result<DeployOutcome, DeployError> {
        let client = self.connect().await?;
        let mut history = self.history()?;
        let stable = client
            .service(service)
            .await?
            .ok_or_else(|| self.unknown(service))?;
        let current = ServiceShape::of(&stable);
        current.owned_by(&self.settings.name, service)?;
        let rollback =
            ManualRollback::plan(&history, service, to, self.unknown(service), &events).await?;
        let release = &rollback.release;
        let objects =
            ReleaseObjects::ensure(&client, &self.settings.name, release, &Default::default())
                .await?;
        let blueprint = ServiceBlueprint {
            settings: &self.settings,
            release,
            role: Role::Stable,
            replicas: current.replicas,
            publish: current.publish,
            objects: &objects,
        };
        let ended = update_stable(&client, &self.watch(&client), &stable, blueprint).await?;
        if let UpdateEnd::RolledBack(message) = ended {
            let what = format!("rollback of {service} to release {}", release.number);
            return Err(DeployError::Engine {
                target: self.settings.name.clone(),
                operation: what,
                reason: message,
            });
        }
        rollback.finish(&mut history, &events).await
    }

    async fn service_status(&self, service: &str) -> Result<ServiceStatus, DeployError> {
        let client = self.connect().await?;
        let stable = client
            .service(service)
            .await?
            .ok_or_else(|| self.unknown(service))?;
        let shape = ServiceShape::of(&stable);
        let tasks = ServiceTasks::new(client.tasks(service).await?);
        let canary = Role::Canary.service_name(service);
        let canary_tasks = ServiceTasks::new(client.tasks(&canary).await?);
        let mut notes: Vec<String> = tasks
            .failures()
            .into_iter()
            .take(3)
            .map(|failure| format!("a task failed: {failure}"))
            .collect();
        if let Some(update) = stable.update_status.and_then(|status| status.message) {
            notes.push(format!("last update: {update}"));
        }
        Ok(ServiceStatus {
            service: service.to_owned(),
            release: shape.release,
            image: tasks.running_image(),
            desired_replicas: shape.replicas,
            running_replicas: tasks.running(),
            canary_replicas: canary_tasks.running(),
            notes,
        })
    }

    /// Cleans up after a deploy of `service` that was interrupted (Ctrl-C): retires its
    /// canary, so that only the stable release serves, and records every unfinished release
    /// as failed. Returns whether a canary was running.
    pub async fn abandon(&self, service: &str) -> Result<bool, DeployError> {
        let client = self.connect().await?;
        let retired =
            retire_canary(&client, &self.watch(&client), &self.settings.name, service).await?;
        let mut history = self.history()?;
        let unfinished: Vec<ReleaseNumber> = history
            .records(service)
            .iter()
            .filter(|record| record.state == ReleaseState::Progressing)
            .map(|record| record.release.number)
            .collect();
        for number in unfinished {
            history.finish(
                service,
                number,
                ReleaseState::Failed,
                Some("the deploy was interrupted".into()),
            );
        }
        history.save()?;
        Ok(retired)
    }

    fn unknown(&self, service: &str) -> DeployError {
        DeployError::UnknownService {
            target: self.settings.name.clone(),
            service: service.to_owned(),
        }
    }
}

fn validate(request: &DeployRequest) -> Result<(), DeployError> {
    if request.replicas == 0 {
        return Err(DeployError::Invalid(
            "a service needs at least one replica".into(),
        ));
    }
    if let Some(plan) = &request.canary {
        plan.validate()?;
        if request.publish.is_none() && !plan.checks.is_empty() {
            return Err(DeployError::Invalid(
                "canary analysis needs a published port (--port) to reach the replicas".into(),
            ));
        }
    }
    let missing = request
        .config
        .secrets
        .iter()
        .find(|secret| !request.secret_values.contains_key(&secret.name));
    if let Some(secret) = missing {
        return Err(DeployError::Invalid(format!(
            "secret {} has no value",
            secret.name
        )));
    }
    Ok(())
}

impl DeployTarget for SwarmTarget {
    fn name(&self) -> &str {
        &self.settings.name
    }

    fn deploy<'a>(
        &'a self,
        request: &'a DeployRequest,
        events: mpsc::Sender<DeployEvent>,
    ) -> DeployFuture<'a, DeployOutcome> {
        Box::pin(self.deploy_release(request, events))
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
