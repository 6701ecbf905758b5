//! [`RunFacts`]: one run as the comparison sees it — the inputs that can change a result,
//! and what each stage did.
//!
//! Must not interpret anything: values are compared as given.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::StageFacts;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunFacts {
    pub run_id: String,
    /// Where the run happened, for the reader (e.g. `ci` or a host name).
    pub origin: String,
    /// `succeeded`, `failed`, …
    pub outcome: String,
    pub inputs: RunInputs,
    /// In the order they started (stages that never started last, in plan order).
    pub stages: Vec<StageFacts>,
}

/// What the whole run depended on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunInputs {
    /// The commit the repository was at, and whether the working tree differed from it.
    pub commit: Option<String>,
    /// Files that differed from the commit (relative paths), with their content hashes.
    pub changed_files: BTreeMap<String, String>,
    /// Spec files (`.pipeline/config.yaml`, Blubber files) by path, with their content hashes.
    pub specs: BTreeMap<String, String>,
    /// The engine: `version`, `os`, `arch`, `api`.
    pub engine: BTreeMap<String, String>,
    pub gantry_version: String,
    /// Limits that change timing and memory: `jobs`, `cpus`, `memory`.
    pub limits: BTreeMap<String, String>,
    /// Values from the environment the run used (`${NAME}`), secrets already redacted.
    pub environment: BTreeMap<String, String>,
}
