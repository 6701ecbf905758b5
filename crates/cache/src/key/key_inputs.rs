//! [`KeyInputs`]: every input of one stage, each reduced to a digest, and the key they make.
//!
//! The key is blake3 over a canonical encoding of the inputs (docs/caching.md, "The key"):
//! the scheme line, then for each input in order of [`InputName`] the length-prefixed name
//! text and digest text. Two stages have the same key exactly when they have the same set of
//! inputs with the same digests. This module is pure: it must not read files, images or the
//! environment; the collector hands it digests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::key::cache_key::CacheKey;
use crate::key::digest::Digest;
use crate::key::input_change::InputChange;
use crate::key::input_name::{InputKind, InputName};

/// The first bytes every key hashes; a new encoding gets a new number.
pub const KEY_SCHEME: &str = "gantry-cache-key/1";

/// Values up to this length are kept in clear for `gantry why` (never for `env` inputs).
const SHOWN_LIMIT: usize = 120;

/// One input reduced to its digest, and a short readable form when it is safe to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputValue {
    pub digest: Digest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
}

impl InputValue {
    /// The readable form, or the digest's first 12 hex digits.
    pub fn display(&self) -> String {
        match &self.shown {
            Some(text) => format!("{text:?}"),
            None => format!("{}:{}", self.digest.algorithm().name(), self.digest.short(12)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyInputs {
    inputs: BTreeMap<InputName, InputValue>,
}

impl KeyInputs {
    /// Adds an input whose content is `bytes` (hashed with blake3). `show` keeps the text
    /// for `gantry why` when it is short and not an environment value.
    pub fn add_content(&mut self, name: InputName, bytes: &[u8], show: bool) {
        let shown = (show && name.kind != InputKind::Env && bytes.len() <= SHOWN_LIMIT)
            .then(|| String::from_utf8_lossy(bytes).into_owned());
        self.inputs.insert(name, InputValue { digest: Digest::blake3(bytes), shown });
    }

    /// Adds an input that already is a digest (an image ID, an upstream key).
    pub fn add_digest(&mut self, name: InputName, digest: Digest) {
        self.inputs.insert(name, InputValue { digest, shown: None });
    }

    pub fn add_upstream(&mut self, stage: &str, key: &CacheKey) {
        self.add_digest(InputName::new(InputKind::Upstream, stage), key.digest().clone());
    }

    pub fn get(&self, name: &InputName) -> Option<&InputValue> {
        self.inputs.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&InputName, &InputValue)> {
        self.inputs.iter()
    }

    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The canonical bytes the key hashes.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(64 + self.inputs.len() * 96);
        bytes.extend_from_slice(KEY_SCHEME.as_bytes());
        bytes.push(b'\n');
        for (name, value) in &self.inputs {
            push_framed(&mut bytes, name.to_string().as_bytes());
            push_framed(&mut bytes, value.digest.to_string().as_bytes());
        }
        bytes
    }

    pub fn key(&self) -> CacheKey {
        CacheKey::new(Digest::blake3(&self.encode()))
    }

    /// What differs from `before` to `self`, in input order.
    pub fn changes_since(&self, before: &KeyInputs) -> Vec<InputChange> {
        let mut names: Vec<&InputName> = self.inputs.keys().chain(before.inputs.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .filter_map(|name| {
                let (old, new) = (before.inputs.get(name), self.inputs.get(name));
                let same = old.map(|v| &v.digest) == new.map(|v| &v.digest);
                (!same).then(|| InputChange { name: name.clone(), before: old.cloned(), after: new.cloned() })
            })
            .collect()
    }
}

/// A length (8 bytes, little-endian) and the bytes: no two input lists encode alike.
fn push_framed(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(entries: &[(&str, &str)]) -> KeyInputs {
        let mut inputs = KeyInputs::default();
        for (name, content) in entries {
            inputs.add_content(name.parse().unwrap(), content.as_bytes(), true);
        }
        inputs
    }

    #[test]
    fn the_key_depends_on_names_and_contents_not_insertion_order() {
        let a = inputs(&[("context:a", "1"), ("step:run.arguments", "[]")]);
        let b = inputs(&[("step:run.arguments", "[]"), ("context:a", "1")]);
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), inputs(&[("context:a", "2"), ("step:run.arguments", "[]")]).key());
        assert_ne!(a.key(), inputs(&[("context:b", "1"), ("step:run.arguments", "[]")]).key());
        assert_ne!(a.key(), inputs(&[("context:a", "1")]).key());
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        let encoded = inputs(&[("dockerfile:", "FROM scratch\n")]).encode();
        let digest = Digest::blake3(b"FROM scratch\n").to_string();
        let mut expected = b"gantry-cache-key/1\n".to_vec();
        expected.extend_from_slice(&11u64.to_le_bytes());
        expected.extend_from_slice(b"dockerfile:");
        expected.extend_from_slice(&(digest.len() as u64).to_le_bytes());
        expected.extend_from_slice(digest.as_bytes());
        assert_eq!(encoded, expected);
    }

    #[test]
    fn changes_name_each_differing_input() {
        let before = inputs(&[("context:a", "1"), ("step:gone", "x"), ("step:run.env.A", "1"), ("step:run.env.B", "1")]);
        let after = inputs(&[("context:a", "2"), ("step:new", "y"), ("step:run.env.A", "1"), ("step:run.env.B", "2")]);
        let lines: Vec<String> = after.changes_since(&before).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "build-context file a changed",
                "step setting gone removed (was \"x\")",
                "step setting new added: \"y\"",
                "step setting run.env.B changed: \"1\" → \"2\"",
            ]
        );
    }

    #[test]
    fn environment_values_are_never_kept_in_clear() {
        let mut inputs = KeyInputs::default();
        inputs.add_content("env:TOKEN".parse().unwrap(), b"hunter2", true);
        let json = serde_json::to_string(&inputs).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
    }
}
