//! [`ServiceBlueprint`]: the swarm service spec of one release in one role (stable or canary).
//!
//! Must not call the engine: it only builds the spec. Every service it describes publishes
//! its port in host mode with DNS round robin (no IPVS needed), at most one task per node,
//! and carries gantry's labels.

use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{
    EndpointPortConfig, EndpointPortConfigPublishModeEnum, EndpointSpec, EndpointSpecModeEnum,
    NetworkAttachmentConfig, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated,
    ServiceSpecRollbackConfig, ServiceSpecUpdateConfig, ServiceSpecUpdateConfigFailureActionEnum,
    ServiceSpecUpdateConfigOrderEnum, TaskSpec, TaskSpecContainerSpec, TaskSpecPlacement,
};

use crate::swarm::{ReleaseObjects, SwarmSettings};
use crate::{PublishedPort, Release};

/// Label holding the release number a service runs.
pub const RELEASE_LABEL: &str = "gantry.release";
/// Label holding the deploy target's name.
pub const TARGET_LABEL: &str = "gantry.target";
/// Label saying `stable` or `canary`.
pub const ROLE_LABEL: &str = "gantry.role";

/// Which of a service's two swarm services a spec is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Named after the service; serves until a release is promoted.
    Stable,
    /// `<service>-canary`; runs the new release's share during analysis, then is removed.
    Canary,
}

impl Role {
    /// The swarm service name for `service` in this role.
    pub fn service_name(self, service: &str) -> String {
        match self {
            Role::Stable => service.to_owned(),
            Role::Canary => format!("{service}-canary"),
        }
    }

    /// The host port for this role: the canary publishes one above the stable port, since a
    /// host-mode port can be bound once per node.
    pub fn host_port(self, publish: PublishedPort) -> u16 {
        match self {
            Role::Stable => publish.host,
            Role::Canary => publish.host.saturating_add(1),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Role::Stable => "stable",
            Role::Canary => "canary",
        }
    }
}

/// Everything a service spec is made of.
#[derive(Debug, Clone, Copy)]
pub struct ServiceBlueprint<'a> {
    pub settings: &'a SwarmSettings,
    pub release: &'a Release,
    pub role: Role,
    pub replicas: u32,
    pub publish: Option<PublishedPort>,
    pub objects: &'a ReleaseObjects,
}

impl ServiceBlueprint<'_> {
    pub fn spec(&self) -> ServiceSpec {
        let service = &self.release.service;
        ServiceSpec {
            name: Some(self.role.service_name(service)),
            labels: Some(self.labels()),
            task_template: Some(self.task_template()),
            mode: Some(ServiceSpecMode {
                replicated: Some(ServiceSpecModeReplicated {
                    replicas: Some(i64::from(self.replicas)),
                }),
                ..Default::default()
            }),
            update_config: Some(self.update_config()),
            rollback_config: Some(ServiceSpecRollbackConfig {
                parallelism: Some(0),
                ..Default::default()
            }),
            networks: self.settings.network.as_ref().map(|network| {
                vec![NetworkAttachmentConfig {
                    target: Some(network.clone()),
                    aliases: Some(vec![service.clone()]),
                    ..Default::default()
                }]
            }),
            endpoint_spec: Some(self.endpoint_spec()),
        }
    }

    fn labels(&self) -> HashMap<String, String> {
        HashMap::from([
            (TARGET_LABEL.to_owned(), self.settings.name.clone()),
            (RELEASE_LABEL.to_owned(), self.release.number.to_string()),
            (ROLE_LABEL.to_owned(), self.role.label().to_owned()),
            (
                "gantry.config-version".to_owned(),
                self.release.config_version.clone(),
            ),
        ])
    }

    fn task_template(&self) -> TaskSpec {
        let env = self
            .release
            .config
            .env
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                image: Some(self.release.image.pinned()),
                env: Some(env),
                configs: Some(self.objects.configs.clone()),
                secrets: Some(self.objects.secrets.clone()),
                stop_grace_period: self.settings.stop_grace_period.map(nanos),
                ..Default::default()
            }),
            placement: self.publish.map(|_| TaskSpecPlacement {
                max_replicas: Some(1),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// One task at a time, the old one stopped first (its host port must be free), rolled
    /// back by swarm when a new task fails within the monitor.
    fn update_config(&self) -> ServiceSpecUpdateConfig {
        ServiceSpecUpdateConfig {
            parallelism: Some(1),
            delay: Some(0),
            failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::ROLLBACK),
            monitor: Some(nanos(self.settings.update_monitor)),
            max_failure_ratio: Some(0.0),
            order: Some(ServiceSpecUpdateConfigOrderEnum::STOP_FIRST),
        }
    }

    fn endpoint_spec(&self) -> EndpointSpec {
        let ports = self.publish.map(|publish| {
            vec![EndpointPortConfig {
                target_port: Some(i64::from(publish.container)),
                published_port: Some(i64::from(self.role.host_port(publish))),
                publish_mode: Some(EndpointPortConfigPublishModeEnum::HOST),
                ..Default::default()
            }]
        });
        EndpointSpec {
            mode: Some(EndpointSpecModeEnum::DNSRR),
            ports,
        }
    }
}

/// A duration as the Docker API writes it.
fn nanos(duration: Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImageRef, ReleaseConfig};

    fn release() -> Release {
        let mut config = ReleaseConfig::default();
        config.env.insert("GREETING".into(), "hi".into());
        Release::new(
            "web",
            7,
            ImageRef::new("reg/web:2").with_digest("sha256:abc"),
            config,
        )
    }

    fn spec(role: Role) -> ServiceSpec {
        let mut settings = SwarmSettings::new("prod", "unix:///x", "/state");
        settings.network = Some("net".into());
        settings.stop_grace_period = Some(Duration::from_secs(1));
        let release = release();
        let objects = ReleaseObjects::default();
        let publish = Some(PublishedPort {
            container: 8080,
            host: 18080,
        });
        ServiceBlueprint {
            settings: &settings,
            release: &release,
            role,
            replicas: 2,
            publish,
            objects: &objects,
        }
        .spec()
    }

    #[test]
    fn stable_runs_the_pinned_image_with_host_ports_and_dns_round_robin() {
        let spec = spec(Role::Stable);
        assert_eq!(spec.name.as_deref(), Some("web"));
        let container = spec
            .task_template
            .as_ref()
            .and_then(|task| task.container_spec.clone())
            .unwrap_or_default();
        assert_eq!(container.image.as_deref(), Some("reg/web:2@sha256:abc"));
        assert_eq!(container.env, Some(vec!["GREETING=hi".to_owned()]));
        assert_eq!(container.stop_grace_period, Some(1_000_000_000));
        let endpoint = spec.endpoint_spec.unwrap_or_default();
        assert_eq!(endpoint.mode, Some(EndpointSpecModeEnum::DNSRR));
        let port = endpoint.ports.unwrap_or_default().remove(0);
        assert_eq!(
            (port.published_port, port.publish_mode),
            (Some(18080), Some(EndpointPortConfigPublishModeEnum::HOST))
        );
        let labels = spec.labels.unwrap_or_default();
        assert_eq!(labels.get(RELEASE_LABEL).map(String::as_str), Some("7"));
        assert_eq!(labels.get(TARGET_LABEL).map(String::as_str), Some("prod"));
    }

    #[test]
    fn the_canary_shares_the_alias_on_the_next_port() {
        let spec = spec(Role::Canary);
        assert_eq!(spec.name.as_deref(), Some("web-canary"));
        let network = spec.networks.unwrap_or_default().remove(0);
        assert_eq!(network.aliases, Some(vec!["web".to_owned()]));
        let port = spec
            .endpoint_spec
            .and_then(|endpoint| endpoint.ports)
            .unwrap_or_default()
            .remove(0);
        assert_eq!(port.published_port, Some(18081));
    }
}
