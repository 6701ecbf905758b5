//! [`InputName`]: what one input of a cache key is — a kind and, for most kinds, which one
//! (`context:app.py`, `base:debian:bookworm`, `upstream:build`).
//!
//! The text form `kind:detail` is what `docs/caching.md` documents, what keys hash and what
//! `gantry why` prints. This module must not read inputs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kinds of input, in the order `gantry why` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// The compiled Dockerfile text (`dockerfile:` with an empty detail).
    Dockerfile,
    /// One file, directory or symlink of the build context that the build reads.
    Context,
    /// One base image (`FROM`, `COPY --from`, mounts from images), by its reference.
    Base,
    /// The engine's operating system and architecture.
    Platform,
    /// One field of the stage's step configuration (`run.env.NAME`, `run.arguments`, …).
    Step,
    /// A variable of gantry's own environment that the step configuration reads (`${NAME}`).
    Env,
    /// A stage this one needs, by name: its key.
    Upstream,
}

impl InputKind {
    pub const ALL: [InputKind; 7] = [
        InputKind::Dockerfile,
        InputKind::Context,
        InputKind::Base,
        InputKind::Platform,
        InputKind::Step,
        InputKind::Env,
        InputKind::Upstream,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputKind::Dockerfile => "dockerfile",
            InputKind::Context => "context",
            InputKind::Base => "base",
            InputKind::Platform => "platform",
            InputKind::Step => "step",
            InputKind::Env => "env",
            InputKind::Upstream => "upstream",
        }
    }

    /// How `gantry why` calls an input of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            InputKind::Dockerfile => "the Dockerfile",
            InputKind::Context => "build-context file",
            InputKind::Base => "base image",
            InputKind::Platform => "the platform",
            InputKind::Step => "step setting",
            InputKind::Env => "environment variable",
            InputKind::Upstream => "upstream stage",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InputName {
    pub kind: InputKind,
    /// Which input of that kind; empty for `dockerfile` and `platform`.
    pub detail: String,
}

impl InputName {
    pub fn new(kind: InputKind, detail: impl Into<String>) -> Self {
        Self { kind, detail: detail.into() }
    }
}

impl fmt::Display for InputName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.detail)
    }
}

impl FromStr for InputName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (kind, detail) = text.split_once(':').ok_or_else(|| format!("not an input name: {text:?}"))?;
        let kind = InputKind::ALL
            .into_iter()
            .find(|k| k.name() == kind)
            .ok_or_else(|| format!("unknown input kind {kind:?} in {text:?}"))?;
        Ok(Self::new(kind, detail))
    }
}

impl Serialize for InputName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for InputName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_details_may_hold_colons() {
        let name = InputName::new(InputKind::Base, "debian:bookworm");
        assert_eq!(name.to_string(), "base:debian:bookworm");
        assert_eq!("base:debian:bookworm".parse::<InputName>().unwrap(), name);
        assert!("nope:x".parse::<InputName>().is_err());
    }
}
