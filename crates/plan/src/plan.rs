//! The plan the executor consumes: per pipeline, the stages that will run, in a stable
//! topological order, each with the stages it waits for and its fully described steps.
//!
//! This module must not compute anything: `planner` builds plans, `render` prints them.

use std::sync::Arc;

use gantry_spec::yaml::Span;

use crate::steps::{BlubberConfig, NotifyStep, Steps};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The `config.yaml` the plan came from, as the user named it.
    pub file: Arc<str>,
    /// Planned pipelines, in file order (PipelineLib runs them one after the other).
    pub pipelines: Vec<PipelinePlan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelinePlan {
    pub name: String,
    /// The working directory of every step, relative to the repository root (`.pipeline/`
    /// stays at the root).
    pub directory: String,
    pub fetch: FetchOptions,
    /// Stages to run, topologically ordered; among stages ready together, file order.
    pub stages: Vec<PlannedStage>,
    /// Stages defined in `stages` but absent from `execution`: PipelineLib never runs them.
    pub not_scheduled: Vec<String>,
    /// Stages left out by `--skip`.
    pub skipped: Vec<String>,
    /// Stages left out because no requested `--stage` needs them.
    pub not_selected: Vec<String>,
}

impl PipelinePlan {
    pub fn stage(&self, name: &str) -> Option<&PlannedStage> {
        self.stages.iter().find(|s| s.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStage {
    pub name: String,
    /// Where the stage was defined (its name), or first named in `execution`.
    pub span: Span,
    /// The planned stages this one waits for (direct predecessors; through skipped stages
    /// when those are left out), in plan order.
    pub needs: Vec<String>,
    /// The kind of stage, for listings and for the executor's no-op shortcut.
    pub origin: StageOrigin,
    pub steps: Steps,
    pub notify: Option<NotifyStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageOrigin {
    /// Defined in `stages` with explicit steps.
    Defined,
    /// Defined with only a name: builds and runs the variant of that name.
    Shorthand,
    /// Named in `execution` only: PipelineLib runs it as an empty no-op.
    ExecutionOnly,
}

/// Git checkout options for the setup stage, with PipelineLib's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    pub shallow: bool,
    pub depth: u32,
    pub submodules: bool,
    pub tags: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions { shallow: true, depth: 20, submodules: true, tags: false }
    }
}

/// One Blubber file (or inline config) a build uses, and the variant it builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlubberUse<'a> {
    pub pipeline: &'a str,
    pub stage: &'a str,
    pub config: &'a BlubberConfig,
    /// The variant, if known before the run.
    pub variant: Option<String>,
    pub variant_span: Span,
}

impl Plan {
    pub fn pipeline(&self, name: &str) -> Option<&PipelinePlan> {
        self.pipelines.iter().find(|p| p.name == name)
    }

    /// Every build in the plan with its Blubber config and variant, in plan order.
    pub fn blubber_uses(&self) -> Vec<BlubberUse<'_>> {
        let mut uses = Vec::new();
        for pipeline in &self.pipelines {
            for stage in &pipeline.stages {
                if let Some(build) = &stage.steps.build {
                    uses.push(BlubberUse {
                        pipeline: &pipeline.name,
                        stage: &stage.name,
                        config: &build.blubber,
                        variant: build.variant.as_known(),
                        variant_span: build.variant_span,
                    });
                }
            }
        }
        uses
    }

    /// The Blubber files the plan reads (known paths, relative to the repository root),
    /// sorted and without repeats: what `gantry check` must load.
    pub fn blubber_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .blubber_uses()
            .iter()
            .filter_map(|u| match u.config {
                BlubberConfig::File { path, .. } => path.as_known(),
                BlubberConfig::Inline { .. } => None,
            })
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}
