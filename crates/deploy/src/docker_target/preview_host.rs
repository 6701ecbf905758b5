//! [`PreviewHost`]: preview environments on one Docker host — `env up`, `env list`,
//! `env down` and the TTL.
//!
//! Each environment is a container on the namespace's network with the alias
//! `<namespace>-<name>`; the proxy routes `http://<name>.<host>:<port>/` to it. `up` of a
//! running name starts the new release beside the old one, waits until it answers through
//! the proxy, then removes the old one. There is no daemon: `up` and `list` remove expired
//! environments first, and the last environment to go takes the proxy and the network
//! with it.
//!
//! Must not pull images, prune, or touch containers without this namespace's labels (the
//! engine may be shared). Two gantry commands racing on the same namespace can leave the
//! proxy missing for a moment; the next `up` or `list` puts it back.

use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::models::{ContainerCreateBody, EndpointSettings, HostConfig, NetworkingConfig};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, ListContainersOptionsBuilder, LogsOptionsBuilder,
    StartContainerOptions,
};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::app_container::AppContainer;
use super::docker_failure::{DockerFailure, connect_docker};
use super::environment_file::upload_files;
use super::preview_proxy::{PreviewProxy, remove_container, restart_unless_stopped};
use super::{Environment, EnvironmentName, EnvironmentSpec, HttpProbe, PreviewSettings};
use crate::DeployError;

/// The preview environments of one namespace on one engine.
#[derive(Debug, Clone)]
pub struct PreviewHost {
    docker: Docker,
    settings: PreviewSettings,
    proxy: PreviewProxy,
}

impl PreviewHost {
    /// Connects to the engine at `DOCKER_HOST` (or the default socket).
    pub async fn connect(settings: PreviewSettings) -> Result<Self, DeployError> {
        let docker = connect_docker().await?;
        let proxy = PreviewProxy::new(docker.clone(), settings.clone());
        Ok(Self { docker, settings, proxy })
    }

    pub fn settings(&self) -> &PreviewSettings {
        &self.settings
    }

    /// Brings `spec` up (replacing a running environment of that name once the new release
    /// answers) and waits up to `wait` for it to answer through the proxy; a zero `wait`
    /// skips the check. Expired environments are removed first.
    pub async fn up(&self, spec: &EnvironmentSpec, wait: Duration) -> Result<Environment, DeployError> {
        let now = OffsetDateTime::now_utc();
        self.remove_expired(now).await?;
        let previous = self.containers(Some(&spec.name)).await?;
        self.proxy.ensure_network().await?;
        let release = match &spec.release {
            Some(release) => release.clone(),
            None => release_id(&spec.name, now),
        };
        let container = self.settings.namespace.container(&spec.name, &release);
        if let Err(error) = self.start_release(spec, &release, &container, now).await {
            self.settle().await?;
            return Err(error);
        }
        let current = self.containers(None).await?;
        let port = self.proxy.serve(&current).await?;
        let label = format!("{}--{release}", spec.name);
        if let Err(error) = self.wait_until_answering(&label, &container, port, wait).await {
            remove_container(&self.docker, &container).await?;
            self.settle().await?;
            return Err(error);
        }
        for old in &previous {
            remove_container(&self.docker, &old.name).await?;
        }
        let remaining = self.containers(None).await?;
        let port = self.proxy.serve(&remaining).await?;
        let created = remaining.iter().find(|c| c.release == release).ok_or_else(|| DeployError::Engine {
            target: super::docker_failure::TARGET.into(),
            operation: format!("bring up {}", spec.name),
            reason: format!("container {container} disappeared right after it started"),
        })?;
        Ok(created.environment(&self.settings, port))
    }

    /// Every environment of the namespace (its newest release), by name, after removing the
    /// expired ones.
    pub async fn list(&self) -> Result<Vec<Environment>, DeployError> {
        self.remove_expired(OffsetDateTime::now_utc()).await?;
        let containers = self.containers(None).await?;
        if containers.is_empty() {
            return Ok(Vec::new());
        }
        let port = match self.proxy.port().await? {
            Some(port) => port,
            None => self.proxy.serve(&containers).await?,
        };
        let mut newest: Vec<&AppContainer> = Vec::new();
        for container in &containers {
            match newest.iter_mut().find(|kept| kept.environment == container.environment) {
                Some(kept) if (container.created_at, &container.release) > (kept.created_at, &kept.release) => {
                    *kept = container
                }
                Some(_) => {}
                None => newest.push(container),
            }
        }
        let mut environments: Vec<Environment> =
            newest.into_iter().map(|container| container.environment(&self.settings, port)).collect();
        environments.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(environments)
    }

    /// Removes every release of environment `name`; returns how many containers went.
    pub async fn down(&self, name: &EnvironmentName) -> Result<usize, DeployError> {
        let containers = self.containers(Some(name)).await?;
        if containers.is_empty() {
            return Err(DeployError::UnknownService {
                target: self.settings.namespace.to_string(),
                service: name.to_string(),
            });
        }
        for container in &containers {
            remove_container(&self.docker, &container.name).await?;
        }
        self.settle().await?;
        Ok(containers.len())
    }

    /// Removes the environments whose TTL ran out at `now`; returns their names.
    pub async fn remove_expired(&self, now: OffsetDateTime) -> Result<Vec<String>, DeployError> {
        let mut removed: Vec<String> = Vec::new();
        for container in self.containers(None).await?.iter().filter(|c| c.expired(now)) {
            remove_container(&self.docker, &container.name).await?;
            if !removed.contains(&container.environment) {
                removed.push(container.environment.clone());
            }
        }
        if !removed.is_empty() {
            self.settle().await?;
        }
        Ok(removed)
    }

    /// After removals: routes for what is left, or no proxy and no network when nothing is.
    async fn settle(&self) -> Result<(), DeployError> {
        let containers = self.containers(None).await?;
        match containers.is_empty() {
            true => self.proxy.remove().await,
            false => self.proxy.serve(&containers).await.map(|_| ()),
        }
    }

    async fn containers(&self, name: Option<&EnvironmentName>) -> Result<Vec<AppContainer>, DeployError> {
        let filters = self.settings.namespace.app_filter(name);
        let options = ListContainersOptionsBuilder::default().all(true).filters(&filters).build();
        let listed = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|error| DockerFailure::from(error).refused("list preview environments"))?;
        Ok(listed.iter().filter_map(AppContainer::from_summary).collect())
    }

    async fn start_release(
        &self,
        spec: &EnvironmentSpec,
        release: &str,
        container: &str,
        now: OffsetDateTime,
    ) -> Result<(), DeployError> {
        let namespace = &self.settings.namespace;
        let endpoint = EndpointSettings { aliases: Some(vec![namespace.alias(&spec.name)]), ..EndpointSettings::default() };
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: spec.command.clone(),
            env: Some(spec.env.iter().map(|(key, value)| format!("{key}={value}")).collect()),
            labels: Some(namespace.app_labels(spec, release, now)),
            host_config: Some(HostConfig {
                network_mode: Some(namespace.network().to_owned()),
                restart_policy: Some(restart_unless_stopped()),
                ..HostConfig::default()
            }),
            networking_config: Some(NetworkingConfig {
                endpoints_config: Some([(namespace.network().to_owned(), endpoint)].into()),
            }),
            ..ContainerCreateBody::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(container).build();
        match self.docker.create_container(Some(options), body).await.map_err(DockerFailure::from) {
            Ok(_) => {}
            Err(failure) if failure.is_not_found() => {
                return Err(DeployError::Invalid(format!(
                    "image {} is not on the engine (gantry does not pull): build it with gantry image build, or docker pull it",
                    spec.image
                )));
            }
            Err(failure) => return Err(failure.refused(format!("create {container}"))),
        }
        if let Err(error) = upload_files(&self.docker, container, &spec.files).await {
            remove_container(&self.docker, container).await?;
            return Err(error);
        }
        if let Err(error) = self.docker.start_container(container, None::<StartContainerOptions>).await {
            remove_container(&self.docker, container).await?;
            return Err(DockerFailure::from(error).refused(format!("start {container}")));
        }
        Ok(())
    }

    /// Polls the release through the proxy until the application answers (any status that
    /// is not the proxy's own "unavailable" page).
    async fn wait_until_answering(&self, label: &str, container: &str, port: u16, wait: Duration) -> Result<(), DeployError> {
        if wait.is_zero() {
            return Ok(());
        }
        let probe = HttpProbe::new(self.settings.probe_host(), port);
        let host = format!("{label}.{}", self.settings.public_host);
        let deadline = Instant::now() + wait;
        loop {
            if probe.get(&host, "/").await.is_ok_and(|response| !response.unavailable) {
                return Ok(());
            }
            if let Some(failure) = self.exit_status(container).await? {
                let output = self.last_output(container).await;
                return Err(DeployError::Invalid(format!(
                    "{container} {failure} before it answered on its port; its last output:\n{output}"
                )));
            }
            if Instant::now() >= deadline {
                return Err(DeployError::Timeout {
                    what: format!("{} to answer at {}", label, self.settings.url(label, port)),
                    seconds: wait.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// How the container failed, if it stopped or is being restarted after exiting; `None`
    /// while it runs.
    async fn exit_status(&self, container: &str) -> Result<Option<String>, DeployError> {
        let inspected = self
            .docker
            .inspect_container(container, None::<InspectContainerOptions>)
            .await
            .map_err(|error| DockerFailure::from(error).refused(format!("inspect {container}")))?;
        let restarts = inspected.restart_count.unwrap_or(0);
        let state = inspected.state.unwrap_or_default();
        let exit_code = state.exit_code.unwrap_or(-1);
        Ok(match (state.running.unwrap_or(false), restarts) {
            (true, 0) => None,
            (_, 0) => Some(format!("exited with status {exit_code}")),
            (_, restarts) => Some(format!("exited (status {exit_code}) and was restarted {restarts} times")),
        })
    }

    /// The last lines the container wrote (for error messages; empty when unreadable).
    async fn last_output(&self, container: &str) -> String {
        let options = LogsOptionsBuilder::default().stdout(true).stderr(true).tail("20").build();
        let chunks: Vec<_> = self.docker.logs(container, Some(options)).collect().await;
        let text: String = chunks.into_iter().filter_map(Result::ok).map(|chunk| chunk.to_string()).collect();
        text.lines().map(|line| format!("  {line}")).collect::<Vec<_>>().join("\n")
    }
}

/// Six hex digits, different for every `up` (name, time and process go into the hash).
fn release_id(name: &EnvironmentName, now: OffsetDateTime) -> String {
    let seed = format!("{name} {} {}", now.unix_timestamp_nanos(), std::process::id());
    hex::encode(Sha256::digest(seed.as_bytes()))[..6].to_owned()
}
