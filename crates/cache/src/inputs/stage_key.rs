//! [`StageKey`]: one stage's inputs and key, and [`PipelineKeys`], every stage's of one
//! pipeline. This module must not collect anything.

use std::collections::BTreeMap;

use crate::{CacheKey, Cacheability, KeyInputs};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageKey {
    pub inputs: KeyInputs,
    pub key: CacheKey,
    pub cacheability: Cacheability,
}

/// Per stage name: its key, or why it has none before the run (such a stage always runs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PipelineKeys {
    pub stages: BTreeMap<String, Result<StageKey, String>>,
}

impl PipelineKeys {
    pub fn get(&self, stage: &str) -> Option<&Result<StageKey, String>> {
        self.stages.get(stage)
    }

    /// The key of `stage` when it has one and may be reused.
    pub fn reusable(&self, stage: &str) -> Option<&StageKey> {
        match self.stages.get(stage) {
            Some(Ok(key)) if key.cacheability == Cacheability::Cacheable => Some(key),
            _ => None,
        }
    }
}
