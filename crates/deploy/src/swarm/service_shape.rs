//! [`ServiceShape`]: what gantry reads back from an existing swarm service: its release,
//! replicas and published port.
//!
//! Must not call the engine; it reads a service the client fetched.

use bollard::models::Service;

use crate::swarm::service_blueprint::{RELEASE_LABEL, TARGET_LABEL};
use crate::{DeployError, PublishedPort, ReleaseNumber};

/// The parts of a service's spec a rollback or a status needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceShape {
    /// The target in its `gantry.target` label; `None` for services gantry did not create.
    pub target: Option<String>,
    /// The release in its `gantry.release` label.
    pub release: Option<ReleaseNumber>,
    pub replicas: u32,
    pub publish: Option<PublishedPort>,
    /// The task template's force-update counter.
    pub force_update: u64,
}

impl ServiceShape {
    pub fn of(service: &Service) -> Self {
        let Some(spec) = service.spec.as_ref() else {
            return Self::default();
        };
        let label = |name: &str| {
            spec.labels
                .as_ref()
                .and_then(|labels| labels.get(name))
                .cloned()
        };
        let release = label(RELEASE_LABEL).and_then(|n| n.parse().ok());
        let replicas = spec
            .mode
            .as_ref()
            .and_then(|mode| mode.replicated.as_ref())
            .and_then(|r| r.replicas);
        let port = spec
            .endpoint_spec
            .as_ref()
            .and_then(|endpoint| endpoint.ports.as_ref())
            .and_then(|ports| ports.first());
        let publish = port.and_then(|port| {
            Some(PublishedPort {
                container: u16::try_from(port.target_port?).ok()?,
                host: u16::try_from(port.published_port?).ok()?,
            })
        });
        Self {
            target: label(TARGET_LABEL),
            release,
            replicas: replicas.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
            publish,
            force_update: spec
                .task_template
                .as_ref()
                .and_then(|task| task.force_update)
                .unwrap_or(0),
        }
    }
}

impl ServiceShape {
    /// Refuses a service that target `target` did not create: gantry never changes services
    /// it does not own.
    pub fn owned_by(&self, target: &str, service: &str) -> Result<(), DeployError> {
        if self.target.as_deref() == Some(target) {
            return Ok(());
        }
        let owner = self.target.as_deref().map_or_else(
            || "not by gantry".to_owned(),
            |other| format!("for target {other}"),
        );
        Err(DeployError::Invalid(format!(
            "the swarm service {service} was created {owner}, not for target {target}; gantry leaves it alone"
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bollard::models::ServiceSpec;

    use super::*;

    fn service(labels: &[(&str, &str)]) -> Service {
        let labels: HashMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Service {
            spec: Some(ServiceSpec {
                labels: Some(labels),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn only_the_target_that_created_a_service_may_change_it() {
        let ours = ServiceShape::of(&service(&[(TARGET_LABEL, "prod"), (RELEASE_LABEL, "4")]));
        assert_eq!(ours.release, Some(4));
        assert!(ours.owned_by("prod", "web").is_ok());
        let error = ours.owned_by("staging", "web").unwrap_err().to_string();
        assert!(
            error.contains("created for target prod, not for target staging"),
            "{error}"
        );
        let foreign = ServiceShape::of(&service(&[]))
            .owned_by("prod", "web")
            .unwrap_err()
            .to_string();
        assert!(foreign.contains("created not by gantry"), "{foreign}");
    }
}
