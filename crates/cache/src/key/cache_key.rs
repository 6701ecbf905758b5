//! [`CacheKey`]: the name of one stage's result, a blake3 digest over all of its inputs.
//!
//! This module must not compute keys; [`KeyInputs::key`](crate::KeyInputs::key) does.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::key::digest::Digest;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CacheKey(Digest);

impl CacheKey {
    pub(crate) fn new(digest: Digest) -> Self {
        Self(digest)
    }

    pub fn digest(&self) -> &Digest {
        &self.0
    }

    /// `blake3:` and 12 hex digits, for displays.
    pub fn short(&self) -> String {
        format!("{}:{}", self.0.algorithm().name(), self.0.short(12))
    }
}

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for CacheKey {
    type Err = crate::BadDigest;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(CacheKey)
    }
}
