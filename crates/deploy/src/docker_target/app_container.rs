//! [`AppContainer`]: one release of a preview environment, read back from the labels gantry
//! put on its container.
//!
//! Must not call the engine; it only reads a container listing.

use std::collections::HashMap;

use bollard::models::{ContainerSummary, ContainerSummaryStateEnum};
use time::OffsetDateTime;

use super::namespace::{
    COMMIT_LABEL, CREATED_LABEL, ENV_LABEL, EXPIRES_LABEL, PORT_LABEL, RELEASE_LABEL, parse_rfc3339,
};
use super::{DEFAULT_APP_PORT, Environment, PreviewSettings};

/// An application container of the namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AppContainer {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) environment: String,
    pub(crate) release: String,
    pub(crate) port: u16,
    pub(crate) image: String,
    pub(crate) running: bool,
    pub(crate) created_at: Option<OffsetDateTime>,
    pub(crate) expires_at: Option<OffsetDateTime>,
    pub(crate) commit: Option<String>,
}

impl AppContainer {
    /// `None` for a container without the `gantry.env` label (not one of ours).
    pub(crate) fn from_summary(summary: &ContainerSummary) -> Option<Self> {
        let empty = HashMap::new();
        let labels = summary.labels.as_ref().unwrap_or(&empty);
        let label = |key: &str| labels.get(key).cloned();
        let name = summary.names.as_ref().and_then(|names| names.first()).map(|name| name.trim_start_matches('/'));
        Some(Self {
            id: summary.id.clone()?,
            name: name.unwrap_or_default().to_owned(),
            environment: label(ENV_LABEL)?,
            release: label(RELEASE_LABEL).unwrap_or_default(),
            port: label(PORT_LABEL).and_then(|port| port.parse().ok()).unwrap_or(DEFAULT_APP_PORT),
            image: summary.image.clone().unwrap_or_default(),
            running: summary.state == Some(ContainerSummaryStateEnum::RUNNING),
            created_at: label(CREATED_LABEL).as_deref().and_then(parse_rfc3339),
            expires_at: label(EXPIRES_LABEL).as_deref().and_then(parse_rfc3339),
            commit: label(COMMIT_LABEL),
        })
    }

    /// The host label that reaches only this release through the proxy.
    pub(crate) fn release_label(&self) -> String {
        format!("{}--{}", self.environment, self.release)
    }

    pub(crate) fn expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|expiry| expiry <= now)
    }

    /// As users see it, with URLs through the proxy on `proxy_port`.
    pub(crate) fn environment(&self, settings: &PreviewSettings, proxy_port: u16) -> Environment {
        Environment {
            name: self.environment.clone(),
            url: settings.url(&self.environment, proxy_port),
            release_url: settings.url(&self.release_label(), proxy_port),
            image: self.image.clone(),
            port: self.port,
            release: self.release.clone(),
            container: self.name.clone(),
            running: self.running,
            created_at: self.created_at,
            expires_at: self.expires_at,
            commit: self.commit.clone(),
        }
    }
}
