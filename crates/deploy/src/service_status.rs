//! [`ServiceStatus`]: what runs now for a service on a target.
//!
//! Must not render; the CLI prints it.

use serde::{Deserialize, Serialize};

use crate::ReleaseNumber;

/// The live release of a service and its replicas, as the target reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceStatus {
    pub service: String,
    /// The release the target runs, if gantry deployed one.
    pub release: Option<ReleaseNumber>,
    /// The image the running replicas use.
    pub image: Option<String>,
    pub desired_replicas: u32,
    pub running_replicas: u32,
    /// Replicas of an unfinished canary, if one is running.
    pub canary_replicas: u32,
    /// Anything else worth saying (e.g. "a task is failing its health check").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
