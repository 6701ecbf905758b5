//! [`ImageRef`]: the image a release runs, by name and, once known, by digest.
//!
//! Must not contact a registry: resolving a digest is the caller's or the target's work.

use serde::{Deserialize, Serialize};

/// An image reference such as `127.0.0.1:5000/app:v2`, optionally pinned to a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    /// Name and tag, as pushed.
    pub reference: String,
    /// `sha256:…` of the manifest, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl ImageRef {
    /// An image known by name only.
    pub fn new(reference: impl Into<String>) -> Self {
        Self {
            reference: reference.into(),
            digest: None,
        }
    }

    /// The same image pinned to `digest`.
    pub fn with_digest(mut self, digest: impl Into<String>) -> Self {
        self.digest = Some(digest.into());
        self
    }

    /// `name@digest` when the digest is known (what a rollback must run), else the name.
    pub fn pinned(&self) -> String {
        match &self.digest {
            Some(digest) => format!("{}@{digest}", self.without_digest()),
            None => self.reference.clone(),
        }
    }

    fn without_digest(&self) -> &str {
        self.reference.split('@').next().unwrap_or(&self.reference)
    }
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.pinned())
    }
}
