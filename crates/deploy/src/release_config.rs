//! [`ReleaseConfig`]: deploy-time config (env, files, secrets) kept apart from the image.
//!
//! Must not hold secret values: a release records each secret's name and digest only, so that
//! release history can be written to disk and shown. Values travel in the
//! [`DeployRequest`](crate::DeployRequest) and are stored by the target (e.g. swarm secrets).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Environment, files and secret references of one release.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseConfig {
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub files: Vec<ConfigFile>,
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
}

/// A file mounted into the service's containers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigFile {
    /// Absolute path inside the container.
    pub target: String,
    pub content: String,
}

/// A secret mounted into the service's containers, by name and digest of its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRef {
    pub name: String,
    /// Absolute path inside the container.
    pub target: String,
    /// `sha256:…` of the value.
    pub digest: String,
}

impl ReleaseConfig {
    /// A short, stable version of this config: the first 12 hex digits of the SHA-256 of its
    /// canonical JSON. Two releases with the same config share it.
    pub fn version(&self) -> String {
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        let digest = hex::encode(Sha256::digest(&canonical));
        digest[..12].to_owned()
    }
}

impl SecretRef {
    /// The reference for a secret with `value`, mounted at `target`.
    pub fn for_value(name: impl Into<String>, target: impl Into<String>, value: &[u8]) -> Self {
        Self {
            name: name.into(),
            target: target.into(),
            digest: format!("sha256:{}", hex::encode(Sha256::digest(value))),
        }
    }
}
