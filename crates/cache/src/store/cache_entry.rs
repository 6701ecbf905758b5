//! [`CacheEntry`]: the stored result of one successful stage execution — a versioned wire
//! type, written to disk and pushed to registries.
//!
//! The result itself is opaque JSON written by the executor (its stage report: exit status,
//! exports, image IDs, published digests); large parts (logs, JUnit files, copied files)
//! are blobs named by sha256. This module must not read or write storage.

use serde::{Deserialize, Serialize};

use crate::{CacheKey, Digest, KeyInputs};

/// The wire version of [`CacheEntry`]; readers ignore entries of other versions.
pub const ENTRY_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    pub version: u32,
    pub key: CacheKey,
    /// The inputs the key was made of, for `gantry why`.
    pub inputs: KeyInputs,
    /// Where the result was produced (informational: any stage with this key may reuse it).
    pub pipeline: String,
    pub stage: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
    /// The executor's record of the result.
    pub result: serde_json::Value,
    #[serde(default)]
    pub blobs: Vec<BlobRef>,
}

/// A file belonging to an entry, stored by content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    /// What it is to the executor: `log`, `junit/report.xml`, `files/coverage/index.html`.
    pub name: String,
    /// `sha256:…` of the content.
    pub digest: Digest,
    pub size: u64,
}

impl CacheEntry {
    pub fn new(key: CacheKey, inputs: KeyInputs, pipeline: &str, stage: &str, result: serde_json::Value) -> Self {
        let created = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Self { version: ENTRY_VERSION, key, inputs, pipeline: pipeline.into(), stage: stage.into(), created, result, blobs: Vec::new() }
    }

    pub fn blob(&self, name: &str) -> Option<&BlobRef> {
        self.blobs.iter().find(|b| b.name == name)
    }
}
