//! [`ServiceWatch`]: polls a swarm service until it reaches a state, within a time limit
//! (gantry never waits on the engine without one, and always creates services detached).
//!
//! Must not change services; it only reads them.

use std::time::Duration;

use bollard::models::ServiceUpdateStatusStateEnum;
use tokio::time::Instant;

use crate::DeployError;
use crate::swarm::{ServiceTasks, SwarmClient};

/// Time between two looks at the service.
const POLL: Duration = Duration::from_millis(250);

/// How a rolling update of a service ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateEnd {
    Completed,
    /// Swarm rolled the update back (or paused it); its message says why.
    RolledBack(String),
}

/// Waits on services of one swarm.
pub struct ServiceWatch<'a> {
    pub client: &'a SwarmClient,
    pub timeout: Duration,
}

impl ServiceWatch<'_> {
    /// Until `desired` tasks of `service` run. The timeout error quotes the last task failure.
    pub async fn running(&self, service: &str, desired: u32) -> Result<(), DeployError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let tasks = ServiceTasks::new(self.client.tasks(service).await?);
            if tasks.running() >= desired {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let last = tasks
                    .failures()
                    .into_iter()
                    .next()
                    .map(|failure| format!(" (last failure: {failure})"));
                return Err(self.timed_out(format!(
                    "{desired} running tasks of {service}{}",
                    last.unwrap_or_default()
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Until no task of `service` is left running or starting.
    pub async fn gone(&self, service: &str) -> Result<(), DeployError> {
        let deadline = Instant::now() + self.timeout;
        while ServiceTasks::new(self.client.tasks(service).await?).live() > 0 {
            if Instant::now() >= deadline {
                return Err(self.timed_out(format!("the tasks of {service} to stop")));
            }
            tokio::time::sleep(POLL).await;
        }
        Ok(())
    }

    /// Until the rolling update of `service` that was just requested ends.
    pub async fn update(&self, service: &str) -> Result<UpdateEnd, DeployError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let status = self
                .client
                .service(service)
                .await?
                .and_then(|service| service.update_status);
            let message = status
                .as_ref()
                .and_then(|status| status.message.clone())
                .unwrap_or_default();
            match status.and_then(|status| status.state) {
                Some(ServiceUpdateStatusStateEnum::COMPLETED) => return Ok(UpdateEnd::Completed),
                Some(
                    ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED
                    | ServiceUpdateStatusStateEnum::PAUSED
                    | ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED,
                ) => return Ok(UpdateEnd::RolledBack(message)),
                _ if Instant::now() >= deadline => {
                    return Err(self.timed_out(format!("the update of {service}")));
                }
                _ => tokio::time::sleep(POLL).await,
            }
        }
    }

    fn timed_out(&self, what: String) -> DeployError {
        DeployError::Timeout {
            what,
            seconds: self.timeout.as_secs(),
        }
    }
}
