//! [`ReleaseObjects`]: the swarm configs and secrets that carry a release's files and
//! secrets, named after their content so that every release keeps its own version.
//!
//! Must not remove objects: older releases (and rollbacks to them) still use them. Secret
//! values are never logged or stored by gantry; swarm keeps them.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use bollard::models::{
    ConfigSpec, SecretSpec, TaskSpecContainerSpecConfigs, TaskSpecContainerSpecFile,
    TaskSpecContainerSpecFile1, TaskSpecContainerSpecSecrets,
};
use sha2::{Digest, Sha256};

use crate::swarm::SwarmClient;
use crate::swarm::service_blueprint::TARGET_LABEL;
use crate::{DeployError, Release, SecretValue};

/// References to the configs and secrets of one release, for its container spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleaseObjects {
    pub configs: Vec<TaskSpecContainerSpecConfigs>,
    pub secrets: Vec<TaskSpecContainerSpecSecrets>,
}

impl ReleaseObjects {
    /// Makes sure the swarm has every config and secret of `release` and returns references
    /// to them. A secret the swarm lacks is created from `values`; without a value (e.g. a
    /// rollback to a release whose secret was removed) that is an error.
    pub async fn ensure(
        client: &SwarmClient,
        target: &str,
        release: &Release,
        values: &BTreeMap<String, SecretValue>,
    ) -> Result<Self, DeployError> {
        let labels = HashMap::from([
            (TARGET_LABEL.to_owned(), target.to_owned()),
            ("gantry.service".to_owned(), release.service.clone()),
        ]);
        let mut objects = Self::default();
        for file in &release.config.files {
            let name = object_name(
                &release.service,
                "file",
                &format!("{}\0{}", file.target, file.content),
            );
            let data = base64::engine::general_purpose::STANDARD.encode(&file.content);
            let spec = ConfigSpec {
                name: Some(name.clone()),
                labels: Some(labels.clone()),
                data: Some(data),
                ..Default::default()
            };
            let id = client.ensure_config(spec).await?;
            objects.configs.push(TaskSpecContainerSpecConfigs {
                file: Some(TaskSpecContainerSpecFile1 {
                    name: Some(file.target.clone()),
                    uid: Some("0".into()),
                    gid: Some("0".into()),
                    mode: Some(0o444),
                }),
                config_id: Some(id),
                config_name: Some(name),
                ..Default::default()
            });
        }
        for secret in &release.config.secrets {
            let name = object_name(&release.service, &secret.name, &secret.digest);
            let id = match client.secret_id(&name).await? {
                Some(id) => id,
                None => {
                    let value = values
                        .get(&secret.name)
                        .ok_or_else(|| missing_secret(release, &secret.name))?;
                    let data = base64::engine::general_purpose::STANDARD.encode(&value.0);
                    let spec = SecretSpec {
                        name: Some(name.clone()),
                        labels: Some(labels.clone()),
                        data: Some(data),
                        ..Default::default()
                    };
                    client.create_secret(spec).await?
                }
            };
            objects.secrets.push(TaskSpecContainerSpecSecrets {
                file: Some(TaskSpecContainerSpecFile {
                    name: Some(secret.target.clone()),
                    uid: Some("0".into()),
                    gid: Some("0".into()),
                    mode: Some(0o400),
                }),
                secret_id: Some(id),
                secret_name: Some(name),
            });
        }
        Ok(objects)
    }
}

/// `<service>-<kind>-<12 hex digits of the content's SHA-256>`: the same content gives the
/// same object, new content a new one.
fn object_name(service: &str, kind: &str, content: &str) -> String {
    let digest = hex::encode(Sha256::digest(content.as_bytes()));
    format!("{service}-{kind}-{}", &digest[..12])
}

fn missing_secret(release: &Release, name: &str) -> DeployError {
    DeployError::Invalid(format!(
        "secret {name} of release {} is not in the swarm and no value was given — deploy again with --secret {name}=FILE",
        release.number
    ))
}
