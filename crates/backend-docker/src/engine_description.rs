//! Describes the connected Docker engine for run records: version, API, OS, architecture,
//! CPUs and memory, from `/version` and `/info` (asked at once).
//!
//! This module must not change anything on the engine.

use bollard::Docker;
use gantry_engine::{EngineDescription, EngineError};

use crate::api_failure::ApiFailure;

/// What the engine says about itself; `api_version` is the negotiated one.
pub(crate) async fn describe(
    docker: &Docker,
    api_version: &str,
) -> Result<EngineDescription, EngineError> {
    let (version, info) = tokio::join!(docker.version(), docker.info());
    let version = version.map_err(|e| ApiFailure::from(e).engine("ask for its version"))?;
    let info = info.map_err(|e| ApiFailure::from(e).engine("describe itself"))?;
    Ok(EngineDescription {
        version: format!("docker {}", version.version.unwrap_or_default()),
        api_version: api_version.to_owned(),
        os: version.os.unwrap_or_default(),
        arch: version.arch.unwrap_or_default(),
        cpus: info.ncpu.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        memory_bytes: info
            .mem_total
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0),
    })
}
