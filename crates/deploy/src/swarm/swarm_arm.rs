//! [`SwarmArm`]: a canary service as the analysis sees it ([`CanaryArm`]).
//!
//! Must not change the service; it reads tasks and opens connections through the dialer.

use std::collections::HashMap;

use tokio::net::TcpStream;

use crate::canary::{ArmHealth, CanaryArm, ReplicaEndpoint};
use crate::swarm::{NodeDialer, ServiceTasks, SwarmClient};
use crate::{DeployError, DeployFuture};

/// The canary service `service` with `desired` replicas.
pub struct SwarmArm<'a> {
    pub client: &'a SwarmClient,
    pub dialer: &'a NodeDialer,
    pub service: String,
    pub desired: u32,
    pub node_addresses: HashMap<String, String>,
}

impl SwarmArm<'_> {
    async fn tasks(&self) -> Result<ServiceTasks, DeployError> {
        Ok(ServiceTasks::new(self.client.tasks(&self.service).await?))
    }
}

impl CanaryArm for SwarmArm<'_> {
    fn health(&self) -> DeployFuture<'_, ArmHealth> {
        Box::pin(async move {
            let tasks = self.tasks().await?;
            let failures = tasks.failures();
            Ok(ArmHealth {
                desired: self.desired,
                running: tasks.running(),
                failed: u32::try_from(failures.len()).unwrap_or(u32::MAX),
                failures,
            })
        })
    }

    fn endpoints(&self) -> DeployFuture<'_, Vec<ReplicaEndpoint>> {
        Box::pin(async move { Ok(self.tasks().await?.endpoints(&self.node_addresses)) })
    }

    fn connect<'a>(&'a self, endpoint: &'a ReplicaEndpoint) -> DeployFuture<'a, TcpStream> {
        Box::pin(async move {
            self.dialer
                .connect(&endpoint.host, endpoint.port)
                .await
                .map_err(|reason| DeployError::Unreachable {
                    target: self.service.clone(),
                    endpoint: endpoint.authority(),
                    reason,
                })
        })
    }
}
