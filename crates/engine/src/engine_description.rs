//! [`EngineDescription`]: which engine a run ran on, as a run record keeps it — a different
//! engine version, architecture or size is a reason two runs can differ.
//!
//! Must not hold engine-specific detail beyond these words; backends fill it in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EngineDescription {
    /// The engine's name and version, e.g. `docker 20.10.24+dfsg1`.
    pub version: String,
    /// The API version gantry speaks with it, e.g. `1.41`.
    pub api_version: String,
    /// e.g. `linux`.
    pub os: String,
    /// e.g. `amd64`, `arm64`.
    pub arch: String,
    /// CPUs the engine may use.
    pub cpus: u64,
    /// Memory the engine may use, in bytes.
    pub memory_bytes: u64,
}
