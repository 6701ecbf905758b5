//! [`StageRecord`]: the last result gantry stored or reused for one stage of one repository,
//! which `gantry why` compares against. A versioned wire type; this module must not read
//! or write storage.

use serde::{Deserialize, Serialize};

use crate::{CacheKey, KeyInputs};

pub const STAGE_RECORD_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    pub version: u32,
    pub key: CacheKey,
    pub inputs: KeyInputs,
    /// Seconds since the Unix epoch.
    pub recorded: u64,
}
