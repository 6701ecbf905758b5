//! [`Release`]: one numbered version of a service on a target: image plus config.
//!
//! Must not describe how the release went; that is [`ReleaseRecord`](crate::ReleaseRecord).

use serde::{Deserialize, Serialize};

use crate::{ImageRef, ReleaseConfig};

/// Releases of a service on a target are numbered 1, 2, 3, … in the order they were made.
pub type ReleaseNumber = u32;

/// What a release runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub service: String,
    pub number: ReleaseNumber,
    pub image: ImageRef,
    pub config: ReleaseConfig,
    /// [`ReleaseConfig::version`] of `config`, kept for display and for naming the target's
    /// config objects.
    pub config_version: String,
}

impl Release {
    pub fn new(
        service: impl Into<String>,
        number: ReleaseNumber,
        image: ImageRef,
        config: ReleaseConfig,
    ) -> Self {
        let config_version = config.version();
        Self {
            service: service.into(),
            number,
            image,
            config,
            config_version,
        }
    }

    /// Whether `other` runs the same image as this release (only the config differs).
    pub fn same_image(&self, other: &Release) -> bool {
        match (&self.image.digest, &other.image.digest) {
            (Some(a), Some(b)) => a == b,
            _ => self.image.reference == other.image.reference,
        }
    }
}
