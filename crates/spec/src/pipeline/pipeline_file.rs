//! The typed `.pipeline/config.yaml`: pipelines in file order, each with what the user wrote
//! and where. Defaults are not applied here (a missing key stays `None`), so the planner can
//! tell "not given" from "given", which PipelineLib's shorthand rules depend on.
//!
//! This module must not parse YAML, apply defaults or look at the execution graph.

use std::sync::Arc;

use super::stage::Stage;
use super::steps::Notify;
use super::template::Template;
use crate::Spanned;
use crate::yaml::Span;

/// A whole `config.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineFile {
    /// The file as the user named it; carried by diagnostics found after decoding.
    pub path: Arc<str>,
    /// Where the `pipelines:` key was written (diagnostics about the file as a whole).
    pub pipelines_span: Span,
    /// Pipelines in file order.
    pub pipelines: Vec<Pipeline>,
}

impl PipelineFile {
    pub fn pipeline(&self, name: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.name.value == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub name: Spanned<String>,
    /// `blubberfile`; the planner defaults it to `<pipeline>/blubber.yaml`.
    pub blubberfile: Option<BlubberSource>,
    /// `directory` (not interpolated by PipelineLib).
    pub directory: Option<Spanned<String>>,
    pub fetch: Fetch,
    /// `execution`; `None` when absent or empty (PipelineLib then chains stages in file order).
    pub execution: Option<Vec<ExecutionArc>>,
    /// Stages in file order.
    pub stages: Vec<Stage>,
    /// Pipeline-level `notify` (PipelineLib code only), merged under each stage's.
    pub notify: Option<Notify>,
}

impl Pipeline {
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name.value == name)
    }
}

/// Where a stage's Blubber config comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum BlubberSource {
    /// A path relative to `.pipeline/`, interpolated at build time.
    Path(Template),
    /// An inline Blubber mapping, as JSON text (JSON is YAML, so Blubber reads it as written).
    Inline { json: String, span: Span },
}

impl BlubberSource {
    pub fn span(&self) -> Span {
        match self {
            BlubberSource::Path(template) => template.span,
            BlubberSource::Inline { span, .. } => *span,
        }
    }
}

/// `fetch`: git checkout options for the setup stage. `None` means the default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetch {
    pub shallow: Option<bool>,
    pub depth: Option<u32>,
    pub submodules: Option<bool>,
    pub tags: Option<bool>,
}

/// One inner list of `execution`: a path through the graph, `[a, b, c]` meaning a→b→c.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionArc {
    pub stages: Vec<Spanned<String>>,
    pub span: Span,
}
