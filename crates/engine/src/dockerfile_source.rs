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

/// A Dockerfile, and the images it builds from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledDockerfile {
    pub text: String,
    /// The images it reads (`FROM`, `COPY --from`, images mounted in `RUN`), by reference,
    /// each once; the run records the image ID each had when the build started.
    pub base_images: Vec<String>,
}

pub trait DockerfileSource: Send + Sync {
    /// The Dockerfile that builds `variant` of `blubber`, or the problems as text for the
    /// user (with file, line and help).
    fn dockerfile(&self, blubber: &BlubberInput, variant: &str) -> Result<CompiledDockerfile, String>;
}
