//! [`SwarmClient`]: the Docker API calls of a swarm manager that the swarm target uses, with
//! their failures turned into [`DeployError`]s.
//!
//! Must not decide rollouts: it creates, updates, lists and removes what it is told to.
//! bollard types stay inside `swarm`.

use std::collections::HashMap;

use bollard::Docker;
use bollard::errors::Error;
use bollard::models::{ConfigSpec, SecretSpec, Service, ServiceSpec, Task};
use bollard::query_parameters::{
    InspectServiceOptions, ListConfigsOptions, ListNodesOptions, ListSecretsOptions,
    ListTasksOptions, UpdateServiceOptionsBuilder,
};

use crate::DeployError;

/// A connected swarm manager.
#[derive(Debug, Clone)]
pub struct SwarmClient {
    docker: Docker,
    target: String,
}

impl SwarmClient {
    /// Connects to the manager at `endpoint` and checks that it manages a swarm.
    pub async fn connect(target: &str, endpoint: &str) -> Result<Self, DeployError> {
        let unreachable = |error: Error| DeployError::Unreachable {
            target: target.to_owned(),
            endpoint: endpoint.to_owned(),
            reason: error.to_string(),
        };
        let docker = Docker::connect_with_host(endpoint).map_err(unreachable)?;
        let docker = docker.negotiate_version().await.map_err(unreachable)?;
        let client = Self {
            docker,
            target: target.to_owned(),
        };
        client.docker.inspect_swarm().await.map_err(|error| {
            client.failed("inspect the swarm (is this engine a swarm manager?)", error)
        })?;
        Ok(client)
    }

    /// The service named `name`, or `None` when there is none.
    pub async fn service(&self, name: &str) -> Result<Option<Service>, DeployError> {
        match self
            .docker
            .inspect_service(name, None::<InspectServiceOptions>)
            .await
        {
            Ok(service) => Ok(Some(service)),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(self.failed(&format!("inspect service {name}"), error)),
        }
    }

    pub async fn create_service(&self, spec: ServiceSpec) -> Result<(), DeployError> {
        let name = spec.name.clone().unwrap_or_default();
        self.docker
            .create_service(spec, None)
            .await
            .map_err(|error| self.failed(&format!("create service {name}"), error))?;
        Ok(())
    }

    /// Replaces the spec of `service` (which must be the version read last).
    pub async fn update_service(
        &self,
        service: &Service,
        spec: ServiceSpec,
    ) -> Result<(), DeployError> {
        let name = spec.name.clone().unwrap_or_default();
        let version = service
            .version
            .as_ref()
            .and_then(|version| version.index)
            .unwrap_or_default();
        let options = UpdateServiceOptionsBuilder::default()
            .version(i32::try_from(version).unwrap_or(i32::MAX))
            .build();
        self.docker
            .update_service(&name, spec, options, None)
            .await
            .map_err(|error| self.failed(&format!("update service {name}"), error))?;
        Ok(())
    }

    /// Sets the replicas of `service`, keeping the rest of its spec.
    pub async fn scale(&self, service: &Service, replicas: u32) -> Result<(), DeployError> {
        let mut spec = service.spec.clone().unwrap_or_default();
        let mode = spec.mode.get_or_insert_with(Default::default);
        mode.replicated
            .get_or_insert_with(Default::default)
            .replicas = Some(i64::from(replicas));
        self.update_service(service, spec).await
    }

    /// Removes service `name`; one that is gone already is fine.
    pub async fn remove_service(&self, name: &str) -> Result<(), DeployError> {
        match self.docker.delete_service(name).await {
            Err(error) if !is_not_found(&error) => {
                Err(self.failed(&format!("remove service {name}"), error))
            }
            _ => Ok(()),
        }
    }

    /// Every task of service `name` (current and past ones swarm still keeps); none when
    /// the service does not exist.
    pub async fn tasks(&self, name: &str) -> Result<Vec<Task>, DeployError> {
        let filters = HashMap::from([("service".to_owned(), vec![name.to_owned()])]);
        let options = ListTasksOptions {
            filters: Some(filters),
        };
        match self.docker.list_tasks(Some(options)).await {
            Ok(tasks) => Ok(tasks),
            Err(error) if is_not_found(&error) => Ok(Vec::new()),
            Err(error) => Err(self.failed(&format!("list the tasks of {name}"), error)),
        }
    }

    /// The address of every node, by node ID.
    pub async fn node_addresses(&self) -> Result<HashMap<String, String>, DeployError> {
        let nodes = self
            .docker
            .list_nodes(None::<ListNodesOptions>)
            .await
            .map_err(|error| self.failed("list nodes", error))?;
        let addresses = nodes
            .into_iter()
            .filter_map(|node| Some((node.id?, node.status?.addr?)));
        Ok(addresses.collect())
    }

    /// The manifest digest the registry has for `reference`, as the manager sees it.
    pub async fn resolve_digest(&self, reference: &str) -> Result<String, DeployError> {
        let inspected = self
            .docker
            .inspect_registry_image(reference, None)
            .await
            .map_err(|error| self.failed(&format!("resolve the digest of {reference}"), error))?;
        inspected
            .descriptor
            .digest
            .ok_or_else(|| DeployError::Engine {
                target: self.target.clone(),
                operation: format!("resolve the digest of {reference}"),
                reason: "the registry sent no digest".into(),
            })
    }

    /// Creates config `spec` unless a config of that name exists; returns its ID.
    pub async fn ensure_config(&self, spec: ConfigSpec) -> Result<String, DeployError> {
        let name = spec.name.clone().unwrap_or_default();
        let filters = HashMap::from([("name".to_owned(), vec![name.clone()])]);
        let existing = self
            .docker
            .list_configs(Some(ListConfigsOptions {
                filters: Some(filters),
            }))
            .await;
        let existing =
            existing.map_err(|error| self.failed(&format!("look up config {name}"), error))?;
        if let Some(id) = existing
            .into_iter()
            .find(|config| has_name(config.spec.as_ref().and_then(|s| s.name.as_deref()), &name))
            .and_then(|config| config.id)
        {
            return Ok(id);
        }
        let created = self
            .docker
            .create_config(spec)
            .await
            .map_err(|error| self.failed(&format!("create config {name}"), error))?;
        Ok(created.id)
    }

    /// The ID of secret `name`, if the swarm has it.
    pub async fn secret_id(&self, name: &str) -> Result<Option<String>, DeployError> {
        let filters = HashMap::from([("name".to_owned(), vec![name.to_owned()])]);
        let existing = self
            .docker
            .list_secrets(Some(ListSecretsOptions {
                filters: Some(filters),
            }))
            .await;
        let existing =
            existing.map_err(|error| self.failed(&format!("look up secret {name}"), error))?;
        Ok(existing
            .into_iter()
            .find(|secret| has_name(secret.spec.as_ref().and_then(|s| s.name.as_deref()), name))
            .and_then(|secret| secret.id))
    }

    /// Creates secret `spec`; returns its ID.
    pub async fn create_secret(&self, spec: SecretSpec) -> Result<String, DeployError> {
        let name = spec.name.clone().unwrap_or_default();
        let created = self
            .docker
            .create_secret(spec)
            .await
            .map_err(|error| self.failed(&format!("create secret {name}"), error))?;
        Ok(created.id)
    }

    fn failed(&self, operation: &str, error: Error) -> DeployError {
        let reason = match error {
            Error::DockerResponseServerError { message, .. } => message,
            other => other.to_string(),
        };
        DeployError::Engine {
            target: self.target.clone(),
            operation: operation.to_owned(),
            reason,
        }
    }
}

/// Swarm filters names by prefix; only an exact match counts.
fn has_name(actual: Option<&str>, wanted: &str) -> bool {
    actual == Some(wanted)
}

fn is_not_found(error: &Error) -> bool {
    matches!(
        error,
        Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}
