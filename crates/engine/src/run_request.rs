//! [`RunRequest`]: everything a backend needs to run one image to completion.
//!
//! Must not describe long-running services (ports, health checks, restarts); those belong
//! to deploy targets, not to running a pipeline step.

use std::collections::BTreeMap;

/// The label every container gantry starts carries, with the run's ID as its value. It lets
/// [`ContainerRunner::remove_leftovers`](crate::ContainerRunner::remove_leftovers) find
/// containers that a killed gantry process could not remove.
pub const RUN_LABEL: &str = "gantry.run";

/// One container run: an image, what to run in it and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// The pipeline run this container belongs to; becomes the [`RUN_LABEL`] label.
    pub run_id: String,
    /// The image to run. It must already exist in the engine: backends never pull.
    pub image: String,
    /// Replaces the image's `ENTRYPOINT` if set.
    pub entrypoint: Option<Vec<String>>,
    /// Replaces the image's `CMD` (the entrypoint's arguments) if set.
    pub command: Option<Vec<String>>,
    /// Environment variables, added to the image's.
    pub env: BTreeMap<String, String>,
    /// Replaces the image's `USER` if set, e.g. `65534` or `nobody:nogroup`.
    pub user: Option<String>,
    /// Replaces the image's `WORKDIR` if set.
    pub workdir: Option<String>,
    /// Extra labels for the container. [`RUN_LABEL`] is always set and wins over an entry
    /// here.
    pub labels: BTreeMap<String, String>,
}

impl RunRequest {
    /// A request to run `image` with its own entrypoint, command, user and working
    /// directory, as part of pipeline run `run_id`.
    pub fn new(run_id: impl Into<String>, image: impl Into<String>) -> Self {
        Self {
            run_id: run_id.into(),
            image: image.into(),
            entrypoint: None,
            command: None,
            env: BTreeMap::new(),
            user: None,
            workdir: None,
            labels: BTreeMap::new(),
        }
    }
}
