//! [`LocalStore`]: cache entries on this machine, under the user's cache directory.
//!
//! Layout (`v1/` so that a future layout can sit beside it):
//!
//! ```text
//! <root>/v1/blobs/sha256/<hex>      content: entry documents, logs, JUnit files, copied files
//! <root>/v1/keys/<blake3 hex>       the index: key → {entry digest, size}
//! <root>/v1/stages/<scope>/<pipeline>/<stage>.json   the last result per stage (gantry why)
//! <root>/v1/tmp/                    drafts, renamed into place
//! <root>/v1/lock                    shared by writers, exclusive for pruning
//! ```
//!
//! Every read is verified: a blob whose sha256 differs from its name (corrupt, truncated)
//! is deleted and reported as missing, so the stage runs instead of trusting it. Writes are
//! atomic (temp file + rename), so concurrent runs never see half an entry. This module
//! must not decide what is cached or talk to a registry.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::atomic_write::atomic_write;
use crate::store::cache_entry::{CacheEntry, ENTRY_VERSION};
use crate::store::stage_record::{STAGE_RECORD_VERSION, StageRecord};
use crate::store::store_lock::StoreLock;
use crate::{Algorithm, CacheKey, Digest};

/// The index file of one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IndexRecord {
    version: u32,
    key: CacheKey,
    entry: Digest,
    size: u64,
}

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

/// What [`LocalStore::get`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Hit(Box<CacheEntry>),
    Miss,
    /// There was an entry, but it failed verification and was dropped.
    Corrupt(String),
}

impl LocalStore {
    /// `$GANTRY_CACHE_DIR`, else `$XDG_CACHE_HOME/gantry`, else `~/.cache/gantry`.
    pub fn default_root() -> Option<PathBuf> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        var("GANTRY_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|dir| dir.join("gantry")))
            .or_else(|| var("HOME").map(|home| home.join(".cache/gantry")))
    }

    /// Opens (creating) the store under `root`.
    pub fn open(root: &Path) -> Result<Self, String> {
        let root = root.join("v1");
        for dir in ["blobs/sha256", "keys", "stages", "tmp"] {
            fs::create_dir_all(root.join(dir)).map_err(|e| format!("cannot create {}: {e}", root.join(dir).display()))?;
        }
        Ok(Self { root })
    }

    /// The directory holding this layout (`<root>/v1`).
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// A shared lock for the duration of a run's writes.
    pub fn lock_shared(&self) -> Result<StoreLock, String> {
        StoreLock::shared(&self.root)
    }

    /// Stores `bytes` by content and returns its sha256 digest.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<Digest, String> {
        let digest = Digest::sha256(bytes);
        let path = self.blob_path(&digest);
        if !self.blob_is_intact(&digest) {
            atomic_write(&self.tmp(), &path, bytes)?;
        }
        Ok(digest)
    }

    /// The content of blob `digest`, verified; a corrupt blob is deleted and `None`.
    pub fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, String> {
        let path = self.blob_path(digest);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        if digest.verifies(&bytes) {
            return Ok(Some(bytes));
        }
        let _ = fs::remove_file(&path);
        Ok(None)
    }

    pub fn has_blob(&self, digest: &Digest) -> bool {
        self.blob_path(digest).is_file()
    }

    /// Stores `entry` (whose blobs must be stored already) and indexes it under its key.
    pub fn put(&self, entry: &CacheEntry) -> Result<Digest, String> {
        let document = serde_json::to_vec(entry).map_err(|e| format!("cannot encode the cache entry: {e}"))?;
        let digest = self.put_blob(&document)?;
        let record = IndexRecord { version: ENTRY_VERSION, key: entry.key.clone(), entry: digest.clone(), size: document.len() as u64 };
        let bytes = serde_json::to_vec(&record).map_err(|e| format!("cannot encode the index record: {e}"))?;
        atomic_write(&self.tmp(), &self.key_path(&entry.key), &bytes)?;
        Ok(digest)
    }

    /// The entry stored under `key`, with its document and every blob verified.
    pub fn get(&self, key: &CacheKey) -> Result<Lookup, String> {
        let Some(record) = self.index_record(key)? else { return Ok(Lookup::Miss) };
        let Some(document) = self.blob(&record.entry)? else {
            return Ok(self.drop_key(key, "its entry document is missing or corrupt"));
        };
        let entry: CacheEntry = match serde_json::from_slice(&document) {
            Ok(entry) => entry,
            Err(e) => return Ok(self.drop_key(key, &format!("its entry does not decode: {e}"))),
        };
        if entry.version != ENTRY_VERSION || entry.key != *key {
            return Ok(self.drop_key(key, "its entry is of another version or key"));
        }
        for blob in &entry.blobs {
            if !self.blob_is_intact(&blob.digest) {
                return Ok(self.drop_key(key, &format!("its blob {} is missing or corrupt", blob.name)));
            }
        }
        Ok(Lookup::Hit(Box::new(entry)))
    }

    /// The digest of the entry document indexed under `key`, if any.
    pub fn entry_digest(&self, key: &CacheKey) -> Result<Option<Digest>, String> {
        Ok(self.index_record(key)?.map(|r| r.entry))
    }

    /// Remembers `key` and its inputs as the last result of `stage` (for `gantry why`). A
    /// record that says so already is left alone (a cached re-run writes, and syncs, nothing).
    pub fn record_stage(&self, scope: &str, pipeline: &str, stage: &str, entry: &CacheEntry) -> Result<(), String> {
        let record = StageRecord { version: STAGE_RECORD_VERSION, key: entry.key.clone(), inputs: entry.inputs.clone(), recorded: entry.created };
        if self.last_stage_record(scope, pipeline, stage).is_some_and(|last| last == record) {
            return Ok(());
        }
        let bytes = serde_json::to_vec(&record).map_err(|e| format!("cannot encode the stage record: {e}"))?;
        atomic_write(&self.tmp(), &self.stage_path(scope, pipeline, stage), &bytes)
    }

    /// The last result recorded for `stage`, if any (unreadable records count as none).
    pub fn last_stage_record(&self, scope: &str, pipeline: &str, stage: &str) -> Option<StageRecord> {
        let bytes = fs::read(self.stage_path(scope, pipeline, stage)).ok()?;
        serde_json::from_slice::<StageRecord>(&bytes).ok().filter(|r| r.version == STAGE_RECORD_VERSION)
    }

    fn index_record(&self, key: &CacheKey) -> Result<Option<IndexRecord>, String> {
        let path = self.key_path(key);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        match serde_json::from_slice::<IndexRecord>(&bytes) {
            Ok(record) if record.key == *key && record.entry.algorithm() == Algorithm::Sha256 => Ok(Some(record)),
            _ => {
                let _ = fs::remove_file(&path);
                Ok(None)
            }
        }
    }

    fn drop_key(&self, key: &CacheKey, why: &str) -> Lookup {
        let _ = fs::remove_file(self.key_path(key));
        Lookup::Corrupt(format!("cache entry {} ignored: {why}", key.short()))
    }

    fn blob_is_intact(&self, digest: &Digest) -> bool {
        matches!(self.blob(digest), Ok(Some(_)))
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root.join("blobs").join(digest.algorithm().name()).join(digest.hex())
    }

    fn key_path(&self, key: &CacheKey) -> PathBuf {
        self.root.join("keys").join(key.digest().hex())
    }

    fn stage_path(&self, scope: &str, pipeline: &str, stage: &str) -> PathBuf {
        let safe = |part: &str| part.replace(['/', '\\', '\0'], "_").replace("..", "_");
        self.root.join("stages").join(safe(scope)).join(safe(pipeline)).join(format!("{}.json", safe(stage)))
    }

    fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }
}
