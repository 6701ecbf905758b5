//! [`BuildRequest`]: everything a backend needs to build one image.
//!
//! Must not read the context directory or the Dockerfile's meaning; it only names them.
//! Producing the Dockerfile text is the image compiler's job, reading the directory is
//! the backend's.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One image build: a Dockerfile, the directory it builds from, and what to call the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRequest {
    /// The Dockerfile text. It is sent to the engine as given and never written into the
    /// context directory, so it does not need to exist on disk.
    pub dockerfile: String,
    /// The build context. Its `.dockerignore`, if any, is honoured with Docker's rules.
    pub context_dir: PathBuf,
    /// The stage to build (`--target`); `None` builds the last stage.
    pub target: Option<String>,
    /// Tags to give the image, e.g. `gantry.local/app:test`. May be empty.
    pub tags: Vec<String>,
    /// Values for `ARG`s (`--build-arg`).
    pub build_args: BTreeMap<String, String>,
    /// Labels to set on the image (`--label`).
    pub labels: BTreeMap<String, String>,
    /// Images whose layers BuildKit may reuse (`--cache-from`) when they carry inline cache
    /// metadata, e.g. this variant's last build in a shared registry. One that does not
    /// exist is skipped by BuildKit.
    pub cache_from: Vec<String>,
    /// Write BuildKit's inline cache metadata into the image, so that pushing it shares its
    /// layers with builds that name it in `cache_from`.
    pub inline_cache: bool,
}

impl BuildRequest {
    /// A request to build the last stage of `dockerfile` from `context_dir`, with no tags,
    /// build args, labels or layer cache.
    pub fn new(dockerfile: impl Into<String>, context_dir: impl Into<PathBuf>) -> Self {
        Self {
            dockerfile: dockerfile.into(),
            context_dir: context_dir.into(),
            target: None,
            tags: Vec::new(),
            build_args: BTreeMap::new(),
            labels: BTreeMap::new(),
            cache_from: Vec::new(),
            inline_cache: false,
        }
    }
}
