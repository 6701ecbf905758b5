//! [`CachePolicy`]: what the user asked of the cache for one run (`--no-cache`,
//! `--rerun STAGE`, caching failures). This module must not look anything up.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CachePolicy {
    /// `--no-cache`: run every stage; results are still stored for later runs.
    pub no_cache: bool,
    /// `--rerun STAGE` (repeatable): run these stages whatever the cache holds.
    pub rerun: BTreeSet<String>,
    /// Store failed results too (off by default: a failure is usually worth retrying).
    pub cache_failures: bool,
    /// Push stored results to the shared registry (CI on; laptops usually read only).
    pub push: bool,
}

impl CachePolicy {
    /// Why `stage` must run whatever the cache holds, if the user asked for that.
    pub fn forced(&self, stage: &str) -> Option<&'static str> {
        if self.no_cache {
            Some("--no-cache was given")
        } else if self.rerun.contains(stage) {
            Some("--rerun names it")
        } else {
            None
        }
    }
}
