//! [`DockerfileSource`]: where the executor gets the Dockerfile of a Blubber variant.
//!
//! The executor must not read Blubber files nor compile them: the caller owns the image
//! compiler and its options (base-image map, CA bundle) and renders its diagnostics.

/// The Blubber config a build names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlubberInput {
    /// A file, relative to the repository root (`.pipeline/blubber.yaml`).
    File(String),
    /// An inline mapping from `config.yaml`, as JSON text.
    Inline(String),
}

pub trait DockerfileSource: Send + Sync {
    /// The Dockerfile that builds `variant` of `blubber`, or the problems as text for the
    /// user (with file, line and help).
    fn dockerfile(&self, blubber: &BlubberInput, variant: &str) -> Result<String, String>;
}
