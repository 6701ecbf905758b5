//! [`PublishedPort`]: the port a service listens on, and where a target makes it reachable.
//!
//! Must not say how a target publishes it (host mode, ingress, a proxy); targets decide.

use serde::{Deserialize, Serialize};

/// A container port and the host port it is published on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPort {
    /// The port the service listens on inside its containers.
    pub container: u16,
    /// The port on each host (node) that reaches it.
    pub host: u16,
}
