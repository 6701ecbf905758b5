//! [`ServiceShape`]: what gantry reads back from an existing swarm service: its release,
//! replicas and published port.
//!
//! Must not call the engine; it reads a service the client fetched.

use bollard::models::Service;

use crate::swarm::service_blueprint::RELEASE_LABEL;
use crate::{PublishedPort, ReleaseNumber};

/// The parts of a service's spec a rollback or a status needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceShape {
    /// The release in its `gantry.release` label.
    pub release: Option<ReleaseNumber>,
    pub replicas: u32,
    pub publish: Option<PublishedPort>,
    /// The task template's force-update counter.
    pub force_update: u64,
}

impl ServiceShape {
    pub fn of(service: &Service) -> Self {
        let Some(spec) = service.spec.as_ref() else { return Self::default() };
        let release = spec.labels.as_ref().and_then(|labels| labels.get(RELEASE_LABEL)).and_then(|n| n.parse().ok());
        let replicas = spec.mode.as_ref().and_then(|mode| mode.replicated.as_ref()).and_then(|r| r.replicas);
        let port = spec.endpoint_spec.as_ref().and_then(|endpoint| endpoint.ports.as_ref()).and_then(|ports| ports.first());
        let publish = port.and_then(|port| {
            Some(PublishedPort {
                container: u16::try_from(port.target_port?).ok()?,
                host: u16::try_from(port.published_port?).ok()?,
            })
        });
        Self {
            release,
            replicas: replicas.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
            publish,
            force_update: spec.task_template.as_ref().and_then(|task| task.force_update).unwrap_or(0),
        }
    }
}
