//! [`RegistryCache`]: shares cache entries between machines through an OCI registry. An
//! entry is pushed as an artifact tagged `blake3-<key hex>` (see [`OciManifest`]); pulling
//! fetches the manifest, then every blob, verifies each against its sha256 digest and only
//! then adds the entry to the local store — a corrupt or truncated download is dropped.
//!
//! This module must not decide when to push or pull (the executor does), and never reads
//! credentials.

use crate::registry::oci_manifest::{BLOB_MEDIA_TYPE, Descriptor, EMPTY_CONFIG, ENTRY_MEDIA_TYPE, MANIFEST_MEDIA_TYPE, OciManifest};
use crate::registry::registry_http::RegistryHttp;
use crate::{CacheEntry, CacheKey, LocalStore, Lookup};

#[derive(Debug, Clone)]
pub struct RegistryCache {
    http: RegistryHttp,
}

impl RegistryCache {
    /// A cache in `url` (`http://127.0.0.1:5000/gantry/cache`).
    pub fn new(url: &str) -> Result<Self, String> {
        Ok(Self { http: RegistryHttp::new(url)? })
    }

    pub fn describe(&self) -> String {
        self.http.describe()
    }

    /// The tag an entry with `key` is pushed under.
    pub fn tag(key: &CacheKey) -> String {
        format!("{}-{}", key.digest().algorithm().name(), key.digest().hex())
    }

    /// Pushes the entry stored locally under `key`, with its blobs.
    pub fn push(&self, store: &LocalStore, key: &CacheKey) -> Result<(), String> {
        let entry = match store.get(key)? {
            Lookup::Hit(entry) => entry,
            Lookup::Miss | Lookup::Corrupt(_) => return Err(format!("no intact local entry for {}", key.short())),
        };
        let document_digest = store.entry_digest(key)?.ok_or_else(|| format!("no local entry for {}", key.short()))?;
        let document = self.local_blob(store, &document_digest)?;
        self.http.push_blob(&crate::Digest::sha256(EMPTY_CONFIG), EMPTY_CONFIG)?;
        self.http.push_blob(&document_digest, &document)?;
        let mut layers = Vec::new();
        for blob in &entry.blobs {
            let bytes = self.local_blob(store, &blob.digest)?;
            self.http.push_blob(&blob.digest, &bytes)?;
            layers.push(Descriptor::new(BLOB_MEDIA_TYPE, blob.digest.clone(), blob.size).titled(&blob.name));
        }
        let entry_layer = Descriptor::new(ENTRY_MEDIA_TYPE, document_digest, document.len() as u64);
        let manifest = OciManifest::for_entry(entry_layer, layers);
        let bytes = serde_json::to_vec(&manifest).map_err(|e| format!("cannot encode the manifest: {e}"))?;
        self.http.put_manifest(&Self::tag(key), MANIFEST_MEDIA_TYPE, &bytes)
    }

    /// Fetches the entry for `key` into `store`. `Ok(None)` when the registry has none;
    /// an error when it has one that does not verify.
    pub fn pull(&self, store: &LocalStore, key: &CacheKey) -> Result<Option<CacheEntry>, String> {
        let Some(bytes) = self.http.manifest(&Self::tag(key), MANIFEST_MEDIA_TYPE)? else { return Ok(None) };
        let manifest: OciManifest = serde_json::from_slice(&bytes).map_err(|e| format!("the manifest for {} does not decode: {e}", key.short()))?;
        let entry_layer = manifest.entry().ok_or_else(|| format!("the manifest for {} is not a gantry cache entry", key.short()))?;
        for layer in &manifest.layers {
            self.fetch_verified(store, &layer.digest)?;
        }
        let document = self.local_blob(store, &entry_layer.digest)?;
        let entry: CacheEntry = serde_json::from_slice(&document).map_err(|e| format!("the entry for {} does not decode: {e}", key.short()))?;
        if entry.key != *key {
            return Err(format!("the registry's entry tagged {} is for another key", key.short()));
        }
        store.put(&entry)?;
        match store.get(key)? {
            Lookup::Hit(entry) => Ok(Some(*entry)),
            Lookup::Miss => Err(format!("the entry for {} vanished after the pull", key.short())),
            Lookup::Corrupt(why) => Err(why),
        }
    }

    /// Downloads blob `digest` into the store unless it is there; refuses content whose
    /// digest differs.
    fn fetch_verified(&self, store: &LocalStore, digest: &crate::Digest) -> Result<(), String> {
        if store.has_blob(digest) && store.blob(digest)?.is_some() {
            return Ok(());
        }
        let bytes = self.http.blob(digest)?.ok_or_else(|| format!("{} has no blob {digest}", self.describe()))?;
        if !digest.verifies(&bytes) {
            return Err(format!("blob {digest} from {} does not match its digest; ignored", self.describe()));
        }
        store.put_blob(&bytes).map(|_| ())
    }

    fn local_blob(&self, store: &LocalStore, digest: &crate::Digest) -> Result<Vec<u8>, String> {
        store.blob(digest)?.ok_or_else(|| format!("the local blob {digest} is missing or corrupt"))
    }
}
