//! Which values each stage binds, and what is known of them before the run.
//!
//! PipelineLib binds values as a stage's steps run, in a fixed order (build → run → copy →
//! publish → promote → deploy → exports → trigger), after `stage` itself. A later stage sees
//! its ancestors' values; a step sees the values of the steps before it in its own stage.
//! The planner fills this table in the same order, so "bound yet?" is the same question it
//! is at run time.
//!
//! This module must not resolve templates; it only records and answers lookups.

use std::collections::{BTreeMap, HashMap};

/// A stage's steps in PipelineLib's execution order (`Start` binds `stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKind {
    Start,
    Build,
    Run,
    Copy,
    Publish,
    Promote,
    Deploy,
    Exports,
    Trigger,
}

impl StepKind {
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Start => "start",
            StepKind::Build => "build",
            StepKind::Run => "run",
            StepKind::Copy => "copy",
            StepKind::Publish => "publish",
            StepKind::Promote => "promote",
            StepKind::Deploy => "deploy",
            StepKind::Exports => "exports",
            StepKind::Trigger => "trigger",
        }
    }

    /// The keys the step binds under its stage (`exports` binds the names the user gives).
    pub fn binds(self) -> &'static [&'static str] {
        match self {
            StepKind::Start => &["stage"],
            StepKind::Build => &["imageID", "imageLocalName"],
            StepKind::Run => &["container", "output"],
            StepKind::Copy => &["artifactURLs"],
            StepKind::Publish => &["imageName", "imageFullName", "imageTag", "imageTags", "publishedImage"],
            StepKind::Deploy => &["releaseName"],
            StepKind::Promote | StepKind::Exports | StepKind::Trigger => &[],
        }
    }
}

/// What the plan knows of a bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingState {
    /// Known before the run (the stage name, a literal export, a literal image tag).
    Known(String),
    /// Only the run will tell (image IDs, container names, timestamps).
    Runtime,
    /// The stage is skipped, so the value will never be bound.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub state: BindingState,
    pub step: StepKind,
}

/// The bindings made so far, per stage name.
#[derive(Debug, Default)]
pub struct BindingTable {
    stages: HashMap<String, BTreeMap<String, Binding>>,
}

impl BindingTable {
    pub fn bind(&mut self, stage: &str, key: &str, step: StepKind, state: BindingState) {
        self.stages.entry(stage.to_string()).or_default().insert(key.to_string(), Binding { state, step });
    }

    pub fn get(&self, stage: &str, key: &str) -> Option<&Binding> {
        self.stages.get(stage)?.get(key)
    }

    /// The keys bound under `stage` so far, sorted.
    pub fn keys(&self, stage: &str) -> Vec<&str> {
        self.stages.get(stage).map(|keys| keys.keys().map(String::as_str).collect()).unwrap_or_default()
    }
}
