//! What the user asked to plan: which pipelines, which stages, which to skip, and the
//! `setup` values the caller already knows (project name from the git remote, commit, …).
//!
//! This module must not read the command line, git or the environment: the CLI does, and
//! hands the results over in a [`PlanRequest`].

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanRequest {
    /// Pipelines to plan, by name; empty means every pipeline, in file order (PipelineLib's
    /// empty `PLIB_PIPELINE`).
    pub pipelines: Vec<String>,
    /// `--stage NAME`: plan only these stages and the stages they come after. Empty means
    /// every stage. A pipeline that has none of them is left out.
    pub stages: Vec<String>,
    /// `--skip NAME`: leave these stages out. Planning fails if a planned stage needs one of
    /// their values.
    pub skip: Vec<String>,
    /// `setup` bindings known before the run, by key (`project`, `projectShortName`,
    /// `commit`, `timestamp`, …). `pipeline` and `stage` are always known.
    pub setup: BTreeMap<String, String>,
}

impl PlanRequest {
    /// Every stage of every pipeline, with nothing known about `setup`.
    pub fn everything() -> PlanRequest {
        PlanRequest::default()
    }
}
