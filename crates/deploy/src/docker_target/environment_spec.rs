//! [`EnvironmentSpec`]: what `gantry env up` asks for: a name, an image, its port, its
//! environment variables and how long it may live.
//!
//! Must not touch the engine; [`PreviewHost`](super::PreviewHost) turns a spec into a
//! container.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{EnvironmentFile, EnvironmentName, Ttl};

/// The port previews listen on unless told otherwise (the deployment-charts convention).
pub const DEFAULT_APP_PORT: u16 = 8080;

/// A preview environment to bring up (or replace, when one of that name runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentSpec {
    pub name: EnvironmentName,
    /// An image the engine has (gantry does not pull).
    pub image: String,
    /// The port the application listens on inside its container.
    pub port: u16,
    pub env: BTreeMap<String, String>,
    /// Copied into the container before it starts.
    pub files: Vec<EnvironmentFile>,
    /// Replaces the image's command when set.
    pub command: Option<Vec<String>>,
    /// `None`: the environment stays until `gantry env down`.
    pub ttl: Option<Ttl>,
    /// The commit the image was built from, shown by `gantry env list`.
    pub commit: Option<String>,
    /// The release id (lowercase letters and digits); `None`: a fresh random one. The docker
    /// deploy target uses `r<release number>`.
    pub release: Option<String>,
}

impl EnvironmentSpec {
    /// A spec with the defaults: port 8080, a TTL of one day, no variables.
    pub fn new(name: EnvironmentName, image: impl Into<String>) -> Self {
        Self {
            name,
            image: image.into(),
            port: DEFAULT_APP_PORT,
            env: BTreeMap::new(),
            files: Vec::new(),
            command: None,
            ttl: Some(Ttl::from_duration(Duration::from_secs(86_400))),
            commit: None,
            release: None,
        }
    }
}
