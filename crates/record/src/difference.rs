//! [`Difference`]: one thing two runs did differently, and its [`DifferenceKind`], which says
//! how likely such a difference is to change a result.
//!
//! Must not rank differences against each other beyond their kind: the run comparison
//! decides the order, knowing which stages' results changed.

use serde::{Deserialize, Serialize};

/// Kinds of differences, from the most to the least likely to change a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DifferenceKind {
    /// The commit, or files changed on top of it.
    Source,
    /// Pipeline or Blubber files, or which stages were planned.
    Spec,
    /// A base image reference resolved to another digest.
    BaseImage,
    /// Environment values of the run or of a stage's container.
    Environment,
    /// A stage's command-line arguments.
    Arguments,
    /// Engine version, operating system or architecture.
    Engine,
    /// The gantry that ran it.
    GantryVersion,
    /// One run reused a cached result where the other executed the stage.
    CacheUse,
    /// Parallelism, CPUs, memory.
    Limits,
    /// Stages started in another order.
    Order,
    /// A stage took much longer in one run.
    Timing,
}

impl DifferenceKind {
    /// Whether a difference of this kind is an input of the run; order and timing are
    /// circumstances, which differ between any two runs.
    pub fn is_input(self) -> bool {
        !matches!(self, DifferenceKind::Order | DifferenceKind::Timing)
    }

    pub fn title(self) -> &'static str {
        match self {
            DifferenceKind::Source => "source",
            DifferenceKind::Spec => "spec",
            DifferenceKind::BaseImage => "base image",
            DifferenceKind::Environment => "environment",
            DifferenceKind::Arguments => "arguments",
            DifferenceKind::Engine => "engine",
            DifferenceKind::GantryVersion => "gantry version",
            DifferenceKind::CacheUse => "cache",
            DifferenceKind::Limits => "limits",
            DifferenceKind::Order => "stage order",
            DifferenceKind::Timing => "timing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub kind: DifferenceKind,
    /// `pipeline/stage`, or `None` for the whole run.
    pub stage: Option<String>,
    /// What differs, e.g. `commit`, `.pipeline/blubber.yaml`, `env GREETING`.
    pub what: String,
    /// The value in the first run (`None`: it had none).
    pub before: Option<String>,
    /// The value in the second run.
    pub after: Option<String>,
}

impl Difference {
    pub fn new(kind: DifferenceKind, stage: Option<String>, what: impl Into<String>, before: Option<String>, after: Option<String>) -> Self {
        Self { kind, stage, what: what.into(), before, after }
    }

    /// One line: `[kind] stage: what: before → after`.
    pub fn describe(&self) -> String {
        let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        let place = self.stage.as_ref().map(|s| format!("{s}: ")).unwrap_or_default();
        format!("[{}] {place}{}: {} → {}", self.kind.title(), self.what, value(&self.before), value(&self.after))
    }
}
