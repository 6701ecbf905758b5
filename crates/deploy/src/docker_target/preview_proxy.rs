//! [`PreviewProxy`]: the namespace's network and its nginx container on the engine.
//!
//! It creates them when an environment needs them, keeps the routes file current, and
//! removes both when the last environment is gone. Must not pull the proxy image, and must
//! not touch networks or containers outside its namespace.

use std::collections::HashMap;

use bollard::Docker;
use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, HostConfig, NetworkCreateRequest, PortBinding, RestartPolicy,
    RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, KillContainerOptionsBuilder, ListNetworksOptionsBuilder,
    RemoveContainerOptionsBuilder, StartContainerOptions,
};

use super::environment_file::{EnvironmentFile, upload_files};
use super::PreviewSettings;
use super::app_container::AppContainer;
use super::docker_failure::DockerFailure;
use super::proxy_config::{CONFIG_DIR, PROXY_PORT, ProxyConfig};
use crate::DeployError;

/// The proxy of one namespace.
#[derive(Debug, Clone)]
pub(crate) struct PreviewProxy {
    docker: Docker,
    settings: PreviewSettings,
    config: ProxyConfig,
}

impl PreviewProxy {
    pub(crate) fn new(docker: Docker, settings: PreviewSettings) -> Self {
        let config = ProxyConfig::new(settings.namespace.clone());
        Self { docker, settings, config }
    }

    fn name(&self) -> String {
        self.settings.namespace.proxy_container()
    }

    /// Creates the namespace's network unless it exists. Docker 20.10 accepts a second
    /// network of the same name (bollard cannot send `CheckDuplicate`), so after creating
    /// one, every racer keeps the network with the smallest id and removes the others.
    pub(crate) async fn ensure_network(&self) -> Result<(), DeployError> {
        let network = self.settings.namespace.network();
        if !self.networks().await?.is_empty() {
            return Ok(());
        }
        let request = NetworkCreateRequest {
            name: network.to_owned(),
            driver: Some("bridge".into()),
            labels: Some(self.settings.namespace.network_labels()),
            ..NetworkCreateRequest::default()
        };
        self.docker
            .create_network(request)
            .await
            .map_err(|error| DockerFailure::from(error).refused(format!("create network {network}")))?;
        let mut ids = self.networks().await?;
        ids.sort();
        for duplicate in ids.iter().skip(1) {
            let _ = self.docker.remove_network(duplicate).await;
        }
        Ok(())
    }

    /// The ids of the networks named after the namespace and labelled with it.
    async fn networks(&self) -> Result<Vec<String>, DeployError> {
        let network = self.settings.namespace.network();
        let mut filters = self.settings.namespace.label_filter();
        filters.insert("name".into(), vec![network.to_owned()]);
        let options = ListNetworksOptionsBuilder::default().filters(&filters).build();
        let listed = self
            .docker
            .list_networks(Some(options))
            .await
            .map_err(|error| DockerFailure::from(error).refused(format!("list networks named {network}")))?;
        // The name filter matches substrings.
        Ok(listed.into_iter().filter(|n| n.name.as_deref() == Some(network)).filter_map(|n| n.id).collect())
    }

    /// Makes sure the network and the proxy exist and route to `containers`; returns the
    /// proxy's published host port.
    pub(crate) async fn serve(&self, containers: &[AppContainer]) -> Result<u16, DeployError> {
        let routes = self.config.routes_conf(containers);
        self.ensure_network().await?;
        let port = self.ensure_running(&routes).await?;
        self.update_routes(&routes).await?;
        Ok(port)
    }

    /// Makes sure the proxy runs, creating it with `routes` when missing, and returns its
    /// published host port.
    async fn ensure_running(&self, routes: &str) -> Result<u16, DeployError> {
        let inspected = match self.inspect().await? {
            Some(inspected) => inspected,
            None => {
                self.create(routes).await?;
                self.start_new().await?;
                self.inspect().await?.ok_or_else(|| self.vanished())?
            }
        };
        let running = inspected.state.as_ref().and_then(|state| state.running).unwrap_or(false);
        if !running {
            self.start().await.map_err(|failure| failure.refused(format!("start {}", self.name())))?;
            return self.port().await?.ok_or_else(|| self.vanished());
        }
        published_port(&inspected).ok_or_else(|| self.vanished())
    }

    /// The published host port of the running proxy; `None` when there is no proxy.
    pub(crate) async fn port(&self) -> Result<Option<u16>, DeployError> {
        Ok(self.inspect().await?.as_ref().and_then(published_port))
    }

    /// Replaces the routes file and tells nginx to reload it (SIGHUP).
    async fn update_routes(&self, routes: &str) -> Result<(), DeployError> {
        let name = self.name();
        self.upload(&[("routes.conf", routes)]).await?;
        let hup = KillContainerOptionsBuilder::default().signal("HUP").build();
        self.docker
            .kill_container(&name, Some(hup))
            .await
            .map_err(|error| DockerFailure::from(error).refused(format!("reload {name}")))
    }

    /// Removes the proxy container, then the network. A network still in use (a container
    /// joined it meanwhile) stays.
    pub(crate) async fn remove(&self) -> Result<(), DeployError> {
        remove_container(&self.docker, &self.name()).await?;
        for id in self.networks().await? {
            match self.docker.remove_network(&id).await.map_err(DockerFailure::from) {
                Err(failure) if !failure.is_not_found() && !failure.reason.contains("active endpoints") => {
                    return Err(failure.refused(format!("remove network {}", self.settings.namespace.network())));
                }
                _ => {}
            }
        }
        Ok(())
    }

    async fn inspect(&self) -> Result<Option<ContainerInspectResponse>, DeployError> {
        let name = self.name();
        match self.docker.inspect_container(&name, None::<InspectContainerOptions>).await.map_err(DockerFailure::from) {
            Ok(inspected) => Ok(Some(inspected)),
            Err(failure) if failure.is_not_found() => Ok(None),
            Err(failure) => Err(failure.refused(format!("inspect {name}"))),
        }
    }

    async fn create(&self, routes: &str) -> Result<(), DeployError> {
        let name = self.name();
        let port = format!("{PROXY_PORT}/tcp");
        let binding = PortBinding {
            host_ip: Some(self.settings.listen_address.clone()),
            host_port: Some(match self.settings.listen_port {
                0 => String::new(),
                port => port.to_string(),
            }),
        };
        let body = ContainerCreateBody {
            image: Some(self.settings.proxy_image.clone()),
            cmd: Some(ProxyConfig::command()),
            labels: Some(self.settings.namespace.proxy_labels()),
            exposed_ports: Some(vec![port.clone()]),
            host_config: Some(HostConfig {
                network_mode: Some(self.settings.namespace.network().to_owned()),
                port_bindings: Some(HashMap::from([(port, Some(vec![binding]))])),
                restart_policy: Some(restart_unless_stopped()),
                ..HostConfig::default()
            }),
            ..ContainerCreateBody::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        match self.docker.create_container(Some(options), body).await.map_err(DockerFailure::from) {
            Ok(_) => {}
            // Another gantry created it a moment ago: use that one.
            Err(failure) if failure.is_already_done() => return Ok(()),
            Err(failure) if failure.is_not_found() => return Err(self.missing_image()),
            Err(failure) => return Err(failure.refused(format!("create {name}"))),
        }
        let nginx_conf = self.config.nginx_conf();
        self.upload(&[("nginx.conf", &nginx_conf), ("routes.conf", routes)]).await
    }

    /// Starts a just-created proxy; if it cannot start (its port is taken), removes it so
    /// that the next attempt starts over.
    async fn start_new(&self) -> Result<(), DeployError> {
        let Err(failure) = self.start().await else { return Ok(()) };
        let _ = remove_container(&self.docker, &self.name()).await;
        let address = format!("{}:{}", self.settings.listen_address, self.settings.listen_port);
        Err(DeployError::Engine {
            target: super::docker_failure::TARGET.into(),
            operation: format!("start the preview proxy on {address}"),
            reason: match failure.reason.contains("already allocated") || failure.reason.contains("address already in use") {
                true => format!("{} — choose another port with --proxy-port", failure.reason),
                false => failure.reason,
            },
        })
    }

    async fn start(&self) -> Result<(), DockerFailure> {
        match self.docker.start_container(&self.name(), None::<StartContainerOptions>).await.map_err(DockerFailure::from) {
            Err(failure) if !failure.is_already_done() => Err(failure),
            _ => Ok(()),
        }
    }

    /// Copies `files` (names in [`CONFIG_DIR`]) into the proxy; works on created and
    /// running containers alike.
    async fn upload(&self, files: &[(&str, &str)]) -> Result<(), DeployError> {
        let files: Vec<EnvironmentFile> =
            files.iter().map(|(name, text)| EnvironmentFile::text(format!("/{CONFIG_DIR}/{name}"), text)).collect();
        upload_files(&self.docker, &self.name(), &files).await
    }

    fn missing_image(&self) -> DeployError {
        DeployError::Invalid(format!(
            "the proxy image {} is not on the engine (gantry never pulls it); run scripts/setup-base-images.sh or pass another nginx image with --proxy-image",
            self.settings.proxy_image
        ))
    }

    fn vanished(&self) -> DeployError {
        DeployError::Engine {
            target: super::docker_failure::TARGET.into(),
            operation: format!("run {}", self.name()),
            reason: "the proxy has no published port (was it removed meanwhile?); run the command again".into(),
        }
    }
}

pub(crate) fn restart_unless_stopped() -> RestartPolicy {
    RestartPolicy { name: Some(RestartPolicyNameEnum::UNLESS_STOPPED), maximum_retry_count: None }
}

/// Force-removes a container; one already gone counts as removed.
pub(crate) async fn remove_container(docker: &Docker, name: &str) -> Result<(), DeployError> {
    let options = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
    match docker.remove_container(name, Some(options)).await.map_err(DockerFailure::from) {
        Err(failure) if !failure.is_not_found() && !failure.reason.contains("already in progress") => {
            Err(failure.refused(format!("remove container {name}")))
        }
        _ => Ok(()),
    }
}

fn published_port(inspected: &ContainerInspectResponse) -> Option<u16> {
    let ports = inspected.network_settings.as_ref()?.ports.as_ref()?;
    let bindings = ports.get(&format!("{PROXY_PORT}/tcp"))?.as_ref()?;
    bindings.iter().find_map(|binding| binding.host_port.as_deref()?.parse().ok())
}
