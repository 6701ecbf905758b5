//! [`KeptContainer`]: a stopped container that a failed run kept for debugging, as listed by
//! `gantry ps` and opened by `gantry shell --failed`.
//!
//! This module must not find or remove containers: a backend's
//! [`DebugRunner`](crate::DebugRunner) does. It only names the labels that mark them.

use crate::{StageRef, Timestamp};

/// The label on a kept container; its value is the ID of the run that kept it.
pub const KEPT_LABEL: &str = "gantry.kept";
/// The label naming a kept container's pipeline.
pub const PIPELINE_LABEL: &str = "gantry.pipeline";
/// The label naming a kept container's stage (within its pipeline).
pub const STAGE_LABEL: &str = "gantry.stage";

/// A container kept after its command failed, with the filesystem it had then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptContainer {
    /// The engine's ID for the container.
    pub id: String,
    /// The run that kept it.
    pub run_id: String,
    /// The stage whose command ran in it.
    pub stage: StageRef,
    /// The image it was created from.
    pub image: String,
    /// When the engine created it.
    pub created: Option<Timestamp>,
    /// The engine's words for its state, e.g. `Exited (1) 5 minutes ago`.
    pub status: String,
}
