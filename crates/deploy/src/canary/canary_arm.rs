//! [`CanaryArm`]: the new release's replicas as a target shows them to the analysis.
//!
//! Must not decide anything: a target reports replica health and endpoints and opens
//! connections; the analysis measures and judges.

use std::time::Duration;

use tokio::net::TcpStream;

use crate::DeployFuture;
use crate::canary::HttpResponse;

/// What the analysis may ask a target about the canary's replicas.
pub trait CanaryArm: Send + Sync {
    /// Replica counts and the failures seen since the canary started.
    fn health(&self) -> DeployFuture<'_, ArmHealth>;

    /// Where every running replica's published port is reachable.
    fn endpoints(&self) -> DeployFuture<'_, Vec<ReplicaEndpoint>>;

    /// Opens a TCP connection to `endpoint` (from wherever replicas are reachable).
    fn connect<'a>(&'a self, endpoint: &'a ReplicaEndpoint) -> DeployFuture<'a, TcpStream>;
}

/// The canary's replicas at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArmHealth {
    pub desired: u32,
    /// Running and, where the image has a health check, healthy.
    pub running: u32,
    /// Replicas that failed (exited, were killed as unhealthy, were rejected) since the
    /// canary started.
    pub failed: u32,
    /// The engine's words for the most recent failures, newest first.
    pub failures: Vec<String>,
}

/// One running replica's published port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplicaEndpoint {
    /// The target's ID for the replica (a swarm task ID).
    pub replica: String,
    pub host: String,
    pub port: u16,
}

impl ReplicaEndpoint {
    /// `host:port`, as in a `Host` header.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// `GET path` on `endpoint` through `arm`; errors name the request and the replica.
pub async fn fetch(
    arm: &dyn CanaryArm,
    endpoint: &ReplicaEndpoint,
    path: &str,
    timeout: Duration,
) -> Result<HttpResponse, String> {
    let at = endpoint.authority();
    let failed = |error: String| format!("GET {path} on {at}: {error}");
    let stream = arm
        .connect(endpoint)
        .await
        .map_err(|error| failed(error.to_string()))?;
    HttpResponse::get(stream, &at, path, timeout)
        .await
        .map_err(failed)
}
