//! [`StageFacts`]: one stage of a run as the comparison sees it.
//!
//! Must not hold secrets: recorded environments arrive redacted, and redacted values are never
//! compared as if they were known.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StageFacts {
    pub pipeline: String,
    pub stage: String,
    /// The stages it waits for (names within its pipeline).
    pub needs: Vec<String>,
    /// `ok`, `failed`, `skipped`, `cancelled`, `timed-out`.
    pub status: String,
    /// Reused from the cache instead of executed.
    pub cached: bool,
    pub cache_key: Option<String>,
    pub duration_ms: u64,
    pub exit_code: Option<i64>,
    /// Base images by reference, with the digest (or image ID) they resolved to.
    pub base_images: BTreeMap<String, String>,
    /// The run step's environment (secrets redacted) and arguments.
    pub env: BTreeMap<String, String>,
    pub arguments: Vec<String>,
    /// The stage's own failure, in words.
    pub reason: Option<String>,
}

impl StageFacts {
    /// `pipeline/stage`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.pipeline, self.stage)
    }
}
