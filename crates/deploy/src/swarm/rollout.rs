//! [`Rollout`]: one deploy of a release on a swarm: create the service, or run the canary
//! steps with analysis and then promote, or roll back when analysis fails.
//!
//! The stable service (named after the service) is never touched until promotion. The
//! canary is a second service, `<service>-canary`, on the same network alias, scaled to each
//! step's share of replicas. Rolling back means removing the canary: no rebuild, no rolling
//! update, and the stable tasks keep serving. Must not write release history; the target
//! records what the rollout returns.

use tokio::sync::mpsc;
use tokio::time::Instant;

use bollard::models::Service;

use crate::canary::{Analysis, AnalysisFailure, StepRunner};
use crate::swarm::{
    ReleaseObjects, Role, ServiceBlueprint, ServiceShape, ServiceWatch, SwarmArm, SwarmClient,
    SwarmSettings, UpdateEnd,
};
use crate::{
    CanaryPlan, DeployError, DeployEvent, DeployRequest, Release, ReleaseState, Timestamp,
};

/// How a rollout ended: the release's state and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub state: ReleaseState,
    pub reason: Option<String>,
}

/// One release going out.
pub struct Rollout<'a> {
    pub client: &'a SwarmClient,
    pub settings: &'a SwarmSettings,
    pub request: &'a DeployRequest,
    pub release: &'a Release,
    pub objects: &'a ReleaseObjects,
    pub events: &'a mpsc::Sender<DeployEvent>,
}

impl Rollout<'_> {
    pub async fn run(&self) -> Result<Ending, DeployError> {
        let service = &self.release.service;
        self.remove_leftover_canary().await?;
        let Some(stable) = self.client.service(service).await? else {
            return self.create_stable().await;
        };
        ServiceShape::of(&stable).owned_by(&self.settings.name, service)?;
        if let Some(plan) = &self.request.canary
            && let Err(failure) = self.canary(plan).await?
        {
            return self.abort(&stable, failure).await;
        }
        self.promote(&stable).await
    }

    fn blueprint(&self, role: Role, replicas: u32) -> ServiceBlueprint<'_> {
        ServiceBlueprint {
            settings: self.settings,
            release: self.release,
            role,
            replicas,
            publish: self.request.publish,
            objects: self.objects,
        }
    }

    fn watch(&self) -> ServiceWatch<'_> {
        ServiceWatch {
            client: self.client,
            timeout: self.settings.converge_timeout,
        }
    }

    async fn send(&self, event: DeployEvent) {
        let _ = self.events.send(event).await;
    }

    /// A canary left by an interrupted deploy is aborted: stable serves on.
    async fn remove_leftover_canary(&self) -> Result<(), DeployError> {
        if self.retire_canary().await? {
            let message = format!(
                "removed {}-canary, left by an interrupted deploy",
                self.release.service
            );
            self.send(DeployEvent::Note { message }).await;
        }
        Ok(())
    }

    async fn retire_canary(&self) -> Result<bool, DeployError> {
        retire_canary(
            self.client,
            &self.watch(),
            &self.settings.name,
            &self.release.service,
        )
        .await
    }

    /// The first release of a service: nothing to compare with or go back to.
    async fn create_stable(&self) -> Result<Ending, DeployError> {
        let replicas = self.request.replicas;
        self.client
            .create_service(self.blueprint(Role::Stable, replicas).spec())
            .await?;
        match self.watch().running(&self.release.service, replicas).await {
            Ok(()) => {
                self.send(DeployEvent::Promoted {
                    release: self.release.number,
                })
                .await;
                Ok(Ending {
                    state: ReleaseState::Live,
                    reason: None,
                })
            }
            Err(error) => {
                self.client.remove_service(&self.release.service).await?;
                Ok(Ending {
                    state: ReleaseState::Failed,
                    reason: Some(error.to_string()),
                })
            }
        }
    }

    /// Runs every step; `Ok(Err(failure))` when analysis failed.
    async fn canary(&self, plan: &CanaryPlan) -> Result<Result<(), AnalysisFailure>, DeployError> {
        let total = self.request.replicas;
        let mut arm = SwarmArm {
            client: self.client,
            dialer: &self.settings.dialer,
            service: Role::Canary.service_name(&self.release.service),
            desired: 0,
            node_addresses: self.client.node_addresses().await?,
        };
        let mut analysis = Analysis::new(&plan.checks);
        for (step, share) in plan.steps.iter().enumerate() {
            let replicas = share.replicas(total);
            self.send(DeployEvent::StepStarted {
                step,
                percent: share.percent,
                replicas,
                total,
            })
            .await;
            self.scale_canary(replicas).await?;
            arm.desired = replicas;
            let runner = StepRunner {
                plan,
                arm: &arm,
                events: self.events,
            };
            if let Err(failure) = runner.run(step, &mut analysis).await {
                self.send(DeployEvent::AnalysisFailed {
                    step,
                    check: failure.check.clone(),
                    detail: failure.detail.clone(),
                    at: Timestamp::now_utc(),
                })
                .await;
                return Ok(Err(failure));
            }
        }
        Ok(Ok(()))
    }

    async fn scale_canary(&self, replicas: u32) -> Result<(), DeployError> {
        let spec = self.blueprint(Role::Canary, replicas).spec();
        match self
            .client
            .service(&Role::Canary.service_name(&self.release.service))
            .await?
        {
            Some(existing) => self.client.update_service(&existing, spec).await,
            None => self.client.create_service(spec).await,
        }
    }

    /// Removes the canary; stable was never changed, so it serves as before.
    async fn abort(
        &self,
        stable: &Service,
        failure: AnalysisFailure,
    ) -> Result<Ending, DeployError> {
        let started = Instant::now();
        let reason = format!("check {} failed: {}", failure.check, failure.detail);
        let to = ServiceShape::of(stable).release.unwrap_or_default();
        self.send(DeployEvent::RollbackStarted {
            from: self.release.number,
            to,
            reason: reason.clone(),
        })
        .await;
        self.retire_canary().await?;
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.send(DeployEvent::RollbackFinished { to, millis })
            .await;
        Ok(Ending {
            state: ReleaseState::RolledBack,
            reason: Some(reason),
        })
    }

    /// Gives the stable service the new release (swarm's rolling update, rolled back by swarm
    /// if a new task fails within the monitor), then removes the canary.
    async fn promote(&self, stable: &Service) -> Result<Ending, DeployError> {
        let ended = update_stable(
            self.client,
            &self.watch(),
            stable,
            self.blueprint(Role::Stable, self.request.replicas),
        )
        .await?;
        self.retire_canary().await?;
        match ended {
            UpdateEnd::Completed => {
                self.send(DeployEvent::Promoted {
                    release: self.release.number,
                })
                .await;
                Ok(Ending {
                    state: ReleaseState::Live,
                    reason: None,
                })
            }
            UpdateEnd::RolledBack(message) => {
                let reason = format!(
                    "swarm rolled the update of {} back: {message}",
                    self.release.service
                );
                Ok(Ending {
                    state: ReleaseState::RolledBack,
                    reason: Some(reason),
                })
            }
        }
    }
}

/// Scales the canary of `service` (which `target` created) to zero, waits until its tasks
/// have stopped, then removes it. Returns whether there was one.
pub async fn retire_canary(
    client: &SwarmClient,
    watch: &ServiceWatch<'_>,
    target: &str,
    service: &str,
) -> Result<bool, DeployError> {
    let canary = Role::Canary.service_name(service);
    let Some(existing) = client.service(&canary).await? else {
        return Ok(false);
    };
    ServiceShape::of(&existing).owned_by(target, &canary)?;
    client.scale(&existing, 0).await?;
    watch.gone(&canary).await?;
    client.remove_service(&canary).await?;
    Ok(true)
}

/// Rolls the stable service over to `blueprint` (with a forced update, so that swarm reports
/// an update even when only labels differ) and waits until swarm is done.
pub async fn update_stable(
    client: &SwarmClient,
    watch: &ServiceWatch<'_>,
    current: &Service,
    blueprint: ServiceBlueprint<'_>,
) -> Result<UpdateEnd, DeployError> {
    let mut spec = blueprint.spec();
    if let Some(task) = spec.task_template.as_mut() {
        task.force_update = Some(ServiceShape::of(current).force_update + 1);
    }
    client.update_service(current, spec).await?;
    watch
        .update(&Role::Stable.service_name(&blueprint.release.service))
        .await
}
