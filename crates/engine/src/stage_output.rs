//! [`StageOutput`]: what a stage produced — the values it binds for later stages, the images
//! it built and published, the files it copied out.
//!
//! This module must not produce anything; executors fill it in step by step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StageOutput {
    /// Values bound under the stage (`imageID`, `container`, `publishedImage`, exports …),
    /// visible to the stages that come after it.
    #[serde(default)]
    pub exports: BTreeMap<String, BindingValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<BuiltImage>,
    /// The images its build read (`FROM` and the like), by reference, with the image ID each
    /// had when the build started.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub base_images: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<PublishedImage>,
    /// Files copied out of containers, relative to the repository root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// The exit status of the stage's container, if it ran one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    /// The container's arguments (secrets redacted), if it ran one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    /// The container's environment (secrets redacted), if it ran one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// The stage's cache key (`blake3:…`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_key: Option<String>,
    /// The stage did not run: this is an earlier result with the same key, restored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
}

/// A value bound under a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BindingValue {
    Text(String),
    /// A list (`imageTags`).
    List(Vec<String>),
}

/// An image a stage built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltImage {
    pub variant: String,
    /// The engine's ID, e.g. `sha256:4f1c…`.
    pub id: String,
}

/// An image reference a stage pushed, with the registry's content digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedImage {
    /// `registry/repository:tag`.
    pub reference: String,
    /// `sha256:…`, the manifest digest the registry stored.
    pub digest: String,
}
