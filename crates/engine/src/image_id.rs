//! [`ImageId`]: the engine's content-addressed name of a built image.
//!
//! Must not parse or validate the engine's format beyond keeping the text: the backend
//! that produced it is the only one that knows what it means.

use std::fmt;

/// The ID an engine gives a built image, e.g. `sha256:4f1c…` on Docker.
///
/// Unlike a tag it cannot move: two equal IDs are the same image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageId(String);

impl ImageId {
    /// Wraps the engine's image ID text.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The ID as the engine wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
