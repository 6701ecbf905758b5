//! The steps a stage can configure, as written: `build`, `run`, `copy`, `publish`, `promote`,
//! `deploy`, `exports`, `notify` and `trigger`. Optional fields are `None` when not given;
//! interpolated fields are [`Template`]s, the others plain strings (PipelineLib does not
//! interpolate `run.credentials` or `trigger.name`).
//!
//! This module must not hold defaults or decide which bindings a step produces: the planner
//! does both, with PipelineLib's rules.

use super::template::Template;
use super::template_value::TemplateValue;
use crate::Spanned;
use crate::yaml::Span;

/// `build: variant` or `build: {variant, context, excludes, imagePullPolicy}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub span: Span,
    pub variant: Option<Template>,
    pub context: Option<Template>,
    pub excludes: Option<Vec<Template>>,
    pub image_pull_policy: Option<Template>,
}

/// `run: true` (all fields `None`/empty) or `run: {image, arguments, env, credentials, tail}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub span: Span,
    pub image: Option<Template>,
    pub arguments: Vec<Template>,
    /// Keys and values are both interpolated by PipelineLib.
    pub env: Vec<(Template, Template)>,
    pub credentials: Vec<Credential>,
    pub tail: Option<Spanned<u32>>,
}

/// A Jenkins credential bound into the container's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub span: Span,
    pub id: Spanned<String>,
    pub name: Spanned<String>,
}

/// One entry of `copy` (a string `s` is `{source: s}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyEntry {
    pub span: Span,
    pub from: Option<Template>,
    pub source: Template,
    pub destination: Option<Template>,
    pub archive: bool,
}

/// `publish` (only `image` is part of the schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub span: Span,
    pub image: PublishImage,
}

/// `publish.image: true` (every field `None`) or `publish.image: {id, name, tag, tags}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishImage {
    pub span: Span,
    pub id: Option<Template>,
    pub name: Option<Template>,
    pub tag: Option<Template>,
    pub tags: Option<Vec<Template>>,
}

/// One entry of `promote`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promote {
    pub span: Span,
    pub chart: Option<Template>,
    pub environments: Vec<Template>,
}

/// `deploy` (`chart` is required by the schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    pub span: Span,
    pub chart_name: Option<Template>,
    pub chart_version: Option<Template>,
    pub image: Option<Template>,
    pub tag: Option<Template>,
    pub test: Option<bool>,
    pub timeout: Option<Spanned<u32>>,
    pub overrides: Option<TemplateValue>,
}

/// One `exports` entry: a new binding of the stage. The name is not interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub name: Spanned<String>,
    pub value: TemplateValue,
}

/// `notify: {email: {to, subject, body}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notify {
    pub span: Span,
    pub to: Vec<Template>,
    pub subject: Option<Template>,
    pub body: Option<Template>,
}

/// `trigger: {name, parameters, propagate, wait}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub span: Span,
    pub name: Spanned<String>,
    pub parameters: Vec<(Spanned<String>, Template)>,
    pub propagate: Option<bool>,
    pub wait: Option<bool>,
}
