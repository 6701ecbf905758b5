//! [`Digest`]: a content digest that names its algorithm (`blake3:…`, `sha256:…`).
//!
//! Every digest gantry stores carries its algorithm, so the algorithm can change later
//! without old entries being misread. This module must not decide what is hashed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest as _;

/// The hash functions gantry writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    /// Cache keys and input digests: fast on large build contexts.
    Blake3,
    /// OCI content (image IDs, blobs of cache entries), as registries and engines name it.
    Sha256,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Blake3 => "blake3",
            Algorithm::Sha256 => "sha256",
        }
    }
}

/// `algorithm:lowercase-hex`, 32 bytes of hash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    pub fn blake3(bytes: &[u8]) -> Self {
        Self { algorithm: Algorithm::Blake3, hex: blake3::hash(bytes).to_hex().to_string() }
    }

    pub fn sha256(bytes: &[u8]) -> Self {
        Self { algorithm: Algorithm::Sha256, hex: hex::encode(sha2::Sha256::digest(bytes)) }
    }

    /// The digest of `bytes` with this digest's algorithm equals this digest.
    pub fn verifies(&self, bytes: &[u8]) -> bool {
        let actual = match self.algorithm {
            Algorithm::Blake3 => Digest::blake3(bytes),
            Algorithm::Sha256 => Digest::sha256(bytes),
        };
        actual == *self
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The hash in lowercase hex, without the algorithm.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The first `n` hex digits, for displays.
    pub fn short(&self, n: usize) -> &str {
        &self.hex[..n.min(self.hex.len())]
    }
}

impl From<blake3::Hash> for Digest {
    fn from(hash: blake3::Hash) -> Self {
        Self { algorithm: Algorithm::Blake3, hex: hash.to_hex().to_string() }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

/// Why a text is not a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDigest(pub String);

impl fmt::Display for BadDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a digest (`blake3:<64 hex>` or `sha256:<64 hex>`): {:?}", self.0)
    }
}

impl std::error::Error for BadDigest {}

impl FromStr for Digest {
    type Err = BadDigest;

    fn from_str(text: &str) -> Result<Self, BadDigest> {
        let bad = || BadDigest(text.to_owned());
        let (name, hex) = text.split_once(':').ok_or_else(bad)?;
        let algorithm = match name {
            "blake3" => Algorithm::Blake3,
            "sha256" => Algorithm::Sha256,
            _ => return Err(bad()),
        };
        let well_formed = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(bad());
        }
        Ok(Self { algorithm, hex: hex.to_owned() })
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_and_verifies_content() {
        for digest in [Digest::blake3(b"abc"), Digest::sha256(b"abc")] {
            let parsed: Digest = digest.to_string().parse().unwrap();
            assert_eq!(parsed, digest);
            assert!(digest.verifies(b"abc"));
            assert!(!digest.verifies(b"abd"));
        }
        assert_eq!(
            Digest::sha256(b"abc").to_string(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn rejects_malformed_text() {
        for text in ["", "blake3", "md5:00", "sha256:XYZ", "sha256:abc", &format!("sha256:{}", "A".repeat(64))] {
            assert!(text.parse::<Digest>().is_err(), "{text}");
        }
    }
}
