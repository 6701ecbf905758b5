//! [`DeployRequest`]: what a user asks to deploy.
//!
//! Must not be stored: it carries secret values. The target turns it into a
//! [`Release`](crate::Release), which carries only their digests.

use std::collections::BTreeMap;

use crate::{CanaryPlan, ImageRef, PublishedPort, ReleaseConfig};

/// A service, the image and config for its next release, and how to roll it out.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployRequest {
    pub service: String,
    pub image: ImageRef,
    pub config: ReleaseConfig,
    /// Values of the secrets named in `config.secrets`, by name.
    pub secret_values: BTreeMap<String, SecretValue>,
    /// Total replicas of the service when fully rolled out.
    pub replicas: u32,
    /// The port the service listens on and where the target publishes it.
    pub publish: Option<PublishedPort>,
    /// Step-wise rollout with analysis; `None` replaces the release at once.
    pub canary: Option<CanaryPlan>,
}

/// A secret's value; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(pub Vec<u8>);

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

impl DeployRequest {
    /// A request for `replicas` replicas of `image` with no config and no canary.
    pub fn new(service: impl Into<String>, image: ImageRef, replicas: u32) -> Self {
        Self {
            service: service.into(),
            image,
            config: ReleaseConfig::default(),
            secret_values: BTreeMap::new(),
            replicas,
            publish: None,
            canary: None,
        }
    }
}
