//! One entry of a pipeline's `stages`: its name and the steps as written.
//!
//! A step that PipelineLib treats as absent (`run: false`, `build: ''`, `publish: {image:
//! false}`, an empty mapping) is `None` here. This module must not expand the name-only
//! shorthand or fill step defaults: the planner does, because the result depends on the
//! pipeline (blubberfile) and on the graph (variables).

use super::pipeline_file::BlubberSource;
use super::steps::{Build, CopyEntry, Deploy, Export, Notify, Promote, Publish, Run, Trigger};
use crate::Spanned;
use crate::yaml::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub name: Spanned<String>,
    /// The whole stage mapping.
    pub span: Span,
    /// The stage has no key but `name`: PipelineLib's shorthand for "build and run the
    /// variant named after the stage".
    pub only_name: bool,
    pub blubberfile: Option<BlubberSource>,
    pub build: Option<Build>,
    pub run: Option<Run>,
    pub copy: Vec<CopyEntry>,
    pub publish: Option<Publish>,
    pub promote: Vec<Promote>,
    pub deploy: Option<Deploy>,
    pub exports: Vec<Export>,
    pub notify: Option<Notify>,
    pub trigger: Option<Trigger>,
}

impl Stage {
    /// A stage with only a name and no steps.
    pub fn named(name: Spanned<String>, span: Span) -> Stage {
        Stage {
            name,
            span,
            only_name: false,
            blubberfile: None,
            build: None,
            run: None,
            copy: Vec::new(),
            publish: None,
            promote: Vec::new(),
            deploy: None,
            exports: Vec::new(),
            notify: None,
            trigger: None,
        }
    }
}
