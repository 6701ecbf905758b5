//! [`OciManifest`]: how a cache entry looks in an OCI registry — an image manifest whose
//! config is the empty descriptor and whose layers are the entry document followed by its
//! blobs, each titled with its name. A versioned wire type (the entry's media type carries
//! the version); this module must not send anything.

use serde::{Deserialize, Serialize};

use crate::Digest;

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The artifact type, and the media type of the entry document.
pub const ENTRY_MEDIA_TYPE: &str = "application/vnd.gantry.cache.entry.v1+json";
pub const BLOB_MEDIA_TYPE: &str = "application/octet-stream";
/// OCI's empty config (`{}`), as image-spec 1.1 recommends for artifacts.
pub const EMPTY_CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
pub const EMPTY_CONFIG: &[u8] = b"{}";
const TITLE: &str = "org.opencontainers.image.title";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OciManifest {
    pub schema_version: u32,
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub annotations: std::collections::BTreeMap<String, String>,
}

impl Descriptor {
    pub fn new(media_type: &str, digest: Digest, size: u64) -> Self {
        Self { media_type: media_type.to_owned(), digest, size, annotations: Default::default() }
    }

    pub fn titled(mut self, title: &str) -> Self {
        self.annotations.insert(TITLE.to_owned(), title.to_owned());
        self
    }
}

impl OciManifest {
    /// A manifest for an entry document (`entry`) and its blobs.
    pub fn for_entry(entry: Descriptor, blobs: Vec<Descriptor>) -> Self {
        let config = Descriptor::new(EMPTY_CONFIG_MEDIA_TYPE, Digest::sha256(EMPTY_CONFIG), EMPTY_CONFIG.len() as u64);
        Self {
            schema_version: 2,
            media_type: MANIFEST_MEDIA_TYPE.to_owned(),
            artifact_type: Some(ENTRY_MEDIA_TYPE.to_owned()),
            config,
            layers: std::iter::once(entry).chain(blobs).collect(),
        }
    }

    /// The entry document's descriptor, if this is a gantry cache entry.
    pub fn entry(&self) -> Option<&Descriptor> {
        self.layers.first().filter(|layer| layer.media_type == ENTRY_MEDIA_TYPE)
    }
}
