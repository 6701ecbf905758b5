//! [`Namespace`]: the `gantry-*` prefix that names and labels everything one set of preview
//! environments creates on an engine: the network, the proxy and the application containers.
//!
//! The engine may be shared with other users and other gantry namespaces (tests use their
//! own), so every list filter goes through here and must select this namespace's labels.
//! Must not call the engine.

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{EnvironmentName, EnvironmentSpec};
use crate::DeployError;

/// `gantry.env=<name>` on every application container.
pub const ENV_LABEL: &str = "gantry.env";
/// `gantry.env.namespace=<namespace>` on everything a namespace creates.
pub const NAMESPACE_LABEL: &str = "gantry.env.namespace";
/// `gantry.env.role=app|proxy`.
pub const ROLE_LABEL: &str = "gantry.env.role";
/// RFC 3339 UTC time after which the environment is removed; absent: no TTL.
pub const EXPIRES_LABEL: &str = "gantry.env.expires";
pub const CREATED_LABEL: &str = "gantry.env.created";
pub const PORT_LABEL: &str = "gantry.env.port";
pub const RELEASE_LABEL: &str = "gantry.env.release";
pub const COMMIT_LABEL: &str = "gantry.env.commit";

const APP_ROLE: &str = "app";
const PROXY_ROLE: &str = "proxy";

/// A validated prefix such as `gantry-env` (the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace(String);

impl Namespace {
    pub const DEFAULT: &'static str = "gantry-env";

    /// `text` must start with `gantry-` and be a valid environment name itself (at most 20
    /// characters, so that the longest environment name still fits a DNS label).
    pub fn new(text: &str) -> Result<Self, DeployError> {
        let valid = text.starts_with("gantry-") && text.len() <= 20 && EnvironmentName::new(text).is_ok();
        match valid {
            true => Ok(Self(text.to_owned())),
            false => Err(DeployError::Invalid(format!(
                "namespace {text:?} must start with gantry- and have at most 20 lowercase letters, digits or single hyphens"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The user-defined network the proxy and the environments share.
    pub fn network(&self) -> &str {
        &self.0
    }

    /// The proxy container. Environment names cannot hold `--`, so no environment's alias
    /// can collide with it.
    pub fn proxy_container(&self) -> String {
        format!("{}--proxy", self.0)
    }

    /// The network alias of every release of environment `name`: what the proxy routes
    /// `http://NAME.HOST/` to.
    pub fn alias(&self, name: &EnvironmentName) -> String {
        format!("{}-{name}", self.0)
    }

    /// The container of one release; its name also resolves on the network, which is how
    /// `http://NAME--RELEASE.HOST/` reaches exactly this release.
    pub fn container(&self, name: &EnvironmentName, release: &str) -> String {
        format!("{}-{name}--{release}", self.0)
    }

    pub(crate) fn app_labels(&self, spec: &EnvironmentSpec, release: &str, now: OffsetDateTime) -> HashMap<String, String> {
        let mut labels = self.role_labels(APP_ROLE);
        labels.insert(ENV_LABEL.into(), spec.name.to_string());
        labels.insert(RELEASE_LABEL.into(), release.into());
        labels.insert(PORT_LABEL.into(), spec.port.to_string());
        labels.insert(CREATED_LABEL.into(), rfc3339(now));
        if let Some(ttl) = spec.ttl {
            labels.insert(EXPIRES_LABEL.into(), rfc3339(ttl.expiry(now)));
        }
        if let Some(commit) = &spec.commit {
            labels.insert(COMMIT_LABEL.into(), commit.clone());
        }
        labels
    }

    pub(crate) fn proxy_labels(&self) -> HashMap<String, String> {
        self.role_labels(PROXY_ROLE)
    }

    pub(crate) fn network_labels(&self) -> HashMap<String, String> {
        HashMap::from([(NAMESPACE_LABEL.to_owned(), self.0.clone())])
    }

    /// A list filter for everything of this namespace.
    pub(crate) fn label_filter(&self) -> HashMap<String, Vec<String>> {
        HashMap::from([("label".to_owned(), vec![format!("{NAMESPACE_LABEL}={}", self.0)])])
    }

    /// A container-list filter for this namespace's application containers, of one
    /// environment or of all.
    pub(crate) fn app_filter(&self, name: Option<&EnvironmentName>) -> HashMap<String, Vec<String>> {
        let mut labels = vec![format!("{NAMESPACE_LABEL}={}", self.0), format!("{ROLE_LABEL}={APP_ROLE}")];
        if let Some(name) = name {
            labels.push(format!("{ENV_LABEL}={name}"));
        }
        HashMap::from([("label".to_owned(), labels)])
    }

    fn role_labels(&self, role: &str) -> HashMap<String, String> {
        HashMap::from([(NAMESPACE_LABEL.to_owned(), self.0.clone()), (ROLE_LABEL.to_owned(), role.to_owned())])
    }
}

impl std::fmt::Display for Namespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Default for Namespace {
    /// [`Namespace::DEFAULT`].
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

pub(crate) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}

pub(crate) fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_collide() {
        let ns = Namespace::default();
        let name = EnvironmentName::new("proxy").unwrap();
        assert_ne!(ns.alias(&name), ns.proxy_container());
        assert_eq!(ns.container(&name, "abc123"), "gantry-env-proxy--abc123");
    }

    #[test]
    fn namespaces_are_gantry_prefixed() {
        assert_eq!(Namespace::new(Namespace::DEFAULT), Ok(Namespace::default()));
        assert!(Namespace::new("gantry-test-1").is_ok());
        for bad in ["env", "gantry", "gantry--x", "gantry-this-is-far-too-long"] {
            assert!(Namespace::new(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
