//! [`RunCache`]: the cache as one run uses it — the keys computed before the run, the local
//! store, optionally a shared registry, and the user's [`CachePolicy`].
//!
//! Executors ask [`RunCache::decide`] before running a stage and hand a finished stage's
//! result to [`RunCache::save`]. Lookups fall back from the local store to the registry;
//! anything that fails verification is ignored and the stage runs. This module must not run
//! stages or interpret results: results are the executor's JSON and blobs.

use std::collections::BTreeMap;

use crate::reuse::cache_decision::CacheDecision;
use crate::reuse::cache_policy::CachePolicy;
use crate::{BlobRef, CacheEntry, Cacheability, LocalStore, Lookup, PipelineKeys, RegistryCache, StageKey};

pub struct RunCache {
    store: LocalStore,
    registry: Option<RegistryCache>,
    policy: CachePolicy,
    /// Identifies the repository in the store's per-stage records.
    scope: String,
    keys: BTreeMap<String, PipelineKeys>,
    /// Problems worth telling the user (unreachable registry, corrupt entries), in order.
    notes: std::sync::Mutex<Vec<String>>,
}

/// A finished stage's result, as the executor records it.
pub struct StageResult {
    /// The executor's record (its stage report as JSON).
    pub record: serde_json::Value,
    /// Files that belong to the result (`log`, `junit/…`), by name.
    pub blobs: Vec<(String, Vec<u8>)>,
    pub succeeded: bool,
}

impl RunCache {
    pub fn new(store: LocalStore, registry: Option<RegistryCache>, policy: CachePolicy, scope: String) -> Self {
        Self { store, registry, policy, scope, keys: BTreeMap::new(), notes: Default::default() }
    }

    /// Adds the keys of one pipeline (computed before the run).
    pub fn add_pipeline(&mut self, pipeline: &str, keys: PipelineKeys) {
        self.keys.insert(pipeline.to_owned(), keys);
    }

    pub fn key(&self, pipeline: &str, stage: &str) -> Option<&StageKey> {
        self.keys.get(pipeline)?.get(stage)?.as_ref().ok()
    }

    /// Whether `stage` runs or is restored.
    pub fn decide(&self, pipeline: &str, stage: &str) -> CacheDecision {
        let run = |reason: String| CacheDecision::Run { reason };
        let key = match self.keys.get(pipeline).and_then(|keys| keys.get(stage)) {
            None => return run("it has no cache key".into()),
            Some(Err(reason)) => return run(format!("it has no key before the run: {reason}")),
            Some(Ok(key)) => key,
        };
        if let Cacheability::Never { reason } = &key.cacheability {
            return run(format!("it is never cached: {reason}"));
        }
        if let Some(reason) = self.policy.forced(stage) {
            return run(reason.into());
        }
        match self.find(key) {
            Some(entry) => {
                let _ = self.store.record_stage(&self.scope, pipeline, stage, &entry);
                CacheDecision::Reuse(Box::new(entry))
            }
            None => run(format!("no cached result for key {} (see `gantry why {pipeline}:{stage}`)", key.key.short())),
        }
    }

    /// Stores a finished stage's result under its key (successes only, unless the policy
    /// caches failures), and pushes it when the policy says so. Never fails the run: problems
    /// become notes.
    pub fn save(&self, pipeline: &str, stage: &str, result: StageResult) {
        let Some(key) = self.key(pipeline, stage) else { return };
        if key.cacheability != Cacheability::Cacheable || (!result.succeeded && !self.policy.cache_failures) {
            return;
        }
        if let Err(problem) = self.store_result(pipeline, stage, key, result) {
            self.note(format!("{pipeline}:{stage}: the result was not cached: {problem}"));
        }
    }

    /// What went wrong since the last call (unreadable entries, an unreachable registry).
    pub fn take_notes(&self) -> Vec<String> {
        self.notes.lock().map(|mut notes| std::mem::take(&mut *notes)).unwrap_or_default()
    }

    fn store_result(&self, pipeline: &str, stage: &str, key: &StageKey, result: StageResult) -> Result<(), String> {
        let _lock = self.store.lock_shared()?;
        let mut entry = CacheEntry::new(key.key.clone(), key.inputs.clone(), pipeline, stage, result.record);
        for (name, bytes) in result.blobs {
            let digest = self.store.put_blob(&bytes)?;
            entry.blobs.push(BlobRef { name, digest, size: bytes.len() as u64 });
        }
        self.store.put(&entry)?;
        self.store.record_stage(&self.scope, pipeline, stage, &entry)?;
        if let (true, Some(registry)) = (self.policy.push, &self.registry) {
            registry.push(&self.store, &key.key)?;
        }
        Ok(())
    }

    /// The entry for `key`: local first, then the registry; never a corrupt one.
    fn find(&self, key: &StageKey) -> Option<CacheEntry> {
        match self.store.get(&key.key) {
            Ok(Lookup::Hit(entry)) => return Some(*entry),
            Ok(Lookup::Corrupt(why)) => self.note(why),
            Ok(Lookup::Miss) => {}
            Err(problem) => self.note(problem),
        }
        let registry = self.registry.as_ref()?;
        match registry.pull(&self.store, &key.key) {
            Ok(found) => found,
            Err(problem) => {
                self.note(format!("{}: {problem}", registry.describe()));
                None
            }
        }
    }

    /// The content of one blob of a reused entry (verified), e.g. its log.
    pub fn blob(&self, entry: &CacheEntry, name: &str) -> Option<Vec<u8>> {
        let blob = entry.blob(name)?;
        self.store.blob(&blob.digest).ok().flatten()
    }

    fn note(&self, note: String) {
        if let Ok(mut notes) = self.notes.lock() {
            notes.push(note);
        }
    }
}
