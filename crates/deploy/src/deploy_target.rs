//! [`DeployTarget`]: the operations every deploy target offers.
//!
//! Must not name an engine: targets translate their engine's answers into this crate's types.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

use crate::{
    DeployError, DeployEvent, DeployOutcome, DeployRequest, ReleaseNumber, ReleaseRecord,
    ServiceStatus,
};

/// The future a target operation returns: boxed so that targets stay object-safe
/// (`Box<dyn DeployTarget>`), `Send` so that it can run on any tokio worker.
pub type DeployFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DeployError>> + Send + 'a>>;

/// A place that runs releases of services: a swarm, a docker host, a Kubernetes namespace.
pub trait DeployTarget: Send + Sync {
    /// The target's name, as in `.gantry/deploy/<name>/releases.json`.
    fn name(&self) -> &str;

    /// Deploys `request` as the service's next release. With a canary plan the release goes
    /// out step by step and is rolled back automatically when analysis fails; that is an
    /// `Ok` outcome with [`ReleaseState::RolledBack`](crate::ReleaseState), not an error.
    /// Progress goes to `events`; a closed receiver does not stop the deploy.
    fn deploy<'a>(
        &'a self,
        request: &'a DeployRequest,
        events: mpsc::Sender<DeployEvent>,
    ) -> DeployFuture<'a, DeployOutcome>;

    /// What runs now for `service`.
    fn status<'a>(&'a self, service: &'a str) -> DeployFuture<'a, ServiceStatus>;

    /// Puts release `to` (default: the one before the live release) back in place, without
    /// building anything: same image digest, same config version.
    fn rollback<'a>(
        &'a self,
        service: &'a str,
        to: Option<ReleaseNumber>,
        events: mpsc::Sender<DeployEvent>,
    ) -> DeployFuture<'a, DeployOutcome>;

    /// Every release of `service` on this target, oldest first.
    fn history<'a>(&'a self, service: &'a str) -> DeployFuture<'a, Vec<ReleaseRecord>>;
}
