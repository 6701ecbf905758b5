//! [`CachePolicy`]: what the user asked of the cache for one run (`--rerun STAGE`, caching
//! failures, pushing). `--no-cache` is no policy: such a run has no cache at all. This
//! module must not look anything up.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CachePolicy {
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
        self.rerun.contains(stage).then_some("--rerun names it")
    }
}
