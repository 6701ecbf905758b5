//! Decodes a YAML tree into a [`PipelineFile`], reporting every problem in one pass.
//!
//! Acceptance follows PipelineLib's JSON schema (`pipelines.v0.yaml`, checked with ajv before
//! PipelineLib runs anything), with ajv's wording ("must NOT have additional properties",
//! "must be string"), and PipelineLib's own checks with its wording ("setup is a reserved
//! stage name", "invalid variable expression (...)"). Where PipelineLib silently accepts a
//! likely mistake, gantry reports it and says so in the help line:
//! - unknown keys in a pipeline or in `deploy.chart` (the schema allows them, the code ignores
//!   them);
//! - a stage without `name`, and two stages with the same name (PipelineLib keys stages by
//!   name, so one would silently replace the other).
//!
//! `$merge` and `$each` expressions are reported as not supported yet.
//!
//! This module must not apply defaults, build the execution graph or resolve variables: the
//! planner does, for the pipelines the user selected.

use std::sync::Arc;

use super::inline_json::yaml_to_json_text;
use super::pipeline_file::{BlubberSource, ExecutionArc, Fetch, Pipeline, PipelineFile};
use super::stage::Stage;
use super::steps::*;
use super::template::{ColumnMap, Template};
use super::template_value::TemplateValue;
use crate::Spanned;
use crate::diagnostic::{Diagnostic, Diagnostics, nearest, parse_yaml};
use crate::yaml::{Node, Reading, Span, Style, Value};

const PIPELINE_KEYS: &[&str] = &["blubberfile", "directory", "fetch", "execution", "stages", "notify"];
const STAGE_KEYS: &[&str] = &[
    "name", "blubberfile", "build", "run", "copy", "publish", "deploy", "promote", "notify", "trigger", "exports",
];
const BUILD_KEYS: &[&str] = &["variant", "context", "excludes", "imagePullPolicy"];
const RUN_KEYS: &[&str] = &["image", "arguments", "env", "credentials", "tail"];
const CREDENTIAL_KEYS: &[&str] = &["id", "name"];
const COPY_KEYS: &[&str] = &["from", "source", "destination", "archive"];
const PUBLISH_KEYS: &[&str] = &["image"];
const PUBLISH_IMAGE_KEYS: &[&str] = &["id", "name", "tag", "tags"];
const PROMOTE_KEYS: &[&str] = &["chart", "environments"];
const DEPLOY_KEYS: &[&str] = &["image", "cluster", "chart", "tag", "test", "timeout", "overrides"];
const DEPLOY_CHART_KEYS: &[&str] = &["name", "version"];
const NOTIFY_KEYS: &[&str] = &["email"];
const EMAIL_KEYS: &[&str] = &["to", "subject", "body"];
const TRIGGER_KEYS: &[&str] = &["name", "parameters", "propagate", "wait"];
const FETCH_KEYS: &[&str] = &["shallow", "depth", "submodules", "tags"];

/// Stage names PipelineLib uses for its own stages.
pub const RESERVED_STAGE_NAMES: &[&str] = &["setup", "teardown"];

/// Keys that existed in PipelineLib's history or in old docs, with what to do instead.
const RETIRED_KEYS: &[(&str, &str, &str)] = &[
    ("publish", "files", "`publish.files` was removed from PipelineLib in March 2021 (c853505): copy files out of the stage's container with `copy: [{source: ..., destination: ..., archive: true}]`"),
    ("publish", "type", "`publish.type` was never part of PipelineLib's schema: write `publish: {image: {tags: [...]}}`"),
    ("publish", "tags", "tags belong under the image: `publish: {image: {tags: [...]}}`"),
    ("promote", "version", "PipelineLib's schema does not allow `version` here: the promoted version is always the stage's `${.imageTag}`"),
];

/// Whether a mapping's unknown keys are schema errors or only gantry's typo check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    Schema,
    Gantry,
}

/// Parses and decodes a `config.yaml`. `file` is the name used in diagnostics.
pub fn parse(file: &Arc<str>, text: &str) -> Result<PipelineFile, Vec<Diagnostic>> {
    let root = parse_yaml(file, text)?;
    let mut decoder = Decoder { file: file.clone(), diagnostics: Diagnostics::default() };
    let decoded = decoder.file(&root);
    if decoder.diagnostics.is_empty() { Ok(decoded) } else { Err(decoder.diagnostics.into_sorted()) }
}

struct Decoder {
    file: Arc<str>,
    diagnostics: Diagnostics,
}

/// A mapping's entries after the key check: `(key text, key node, value node)`.
type Entries<'a> = Vec<(&'a str, &'a Node, &'a Node)>;

impl Decoder {
    fn report(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(&self.file, span, message, help));
    }

    // --- the file and its pipelines ------------------------------------------------------

    fn file(&mut self, root: &Node) -> PipelineFile {
        let mut file = PipelineFile { path: self.file.clone(), pipelines_span: root.span, pipelines: Vec::new() };
        let Value::Map(entries) = &root.value else {
            self.type_mismatch(root, "config.yaml", "object");
            return file;
        };
        let Some((key, pipelines)) = entries.iter().rev().find(|(k, _)| k.scalar_text() == Some("pipelines")) else {
            self.missing_pipelines(root, entries);
            return file;
        };
        file.pipelines_span = key.span;
        for (name, key_node, value) in self.mapping(pipelines, "pipelines", &[], Strictness::Schema).unwrap_or_default() {
            file.pipelines.push(self.pipeline(name, key_node, value));
        }
        file
    }

    fn missing_pipelines(&mut self, root: &Node, entries: &[(Node, Node)]) {
        let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.scalar_text()).collect();
        let help = match keys.iter().find(|k| nearest(k, ["pipelines"]).is_some()) {
            Some(typo) => format!("did you mean `pipelines` instead of `{typo}`?"),
            None => format!(
                "a PipelineLib config.yaml is a `pipelines:` mapping of pipeline names to `{{stages: [...]}}`; this file has: {}",
                keys.join(", ")
            ),
        };
        let span = Span { start: root.span.start, end: root.span.start };
        self.report(span, "config.yaml: must have required property 'pipelines'", help);
    }

    fn pipeline(&mut self, name: &str, key_node: &Node, node: &Node) -> Pipeline {
        let path = format!("pipelines.{name}");
        let mut pipeline = Pipeline {
            name: Spanned::new(name.to_string(), key_node.span),
            blubberfile: None,
            directory: None,
            fetch: Fetch::default(),
            execution: None,
            stages: Vec::new(),
            notify: None,
        };
        let Some(entries) = self.mapping(node, &path, PIPELINE_KEYS, Strictness::Gantry) else {
            return pipeline;
        };
        let mut saw_stages = false;
        for (key, _, value) in entries {
            let key_path = format!("{path}.{key}");
            match key {
                "blubberfile" => pipeline.blubberfile = self.blubber_source(value, &key_path),
                "directory" => pipeline.directory = self.string(value, &key_path).map(|d| Spanned::new(d, value.span)),
                "fetch" => pipeline.fetch = self.fetch(value, &key_path),
                "execution" => pipeline.execution = self.execution(value, &key_path),
                "stages" => {
                    saw_stages = true;
                    pipeline.stages = self.stages(value, &key_path);
                }
                "notify" => pipeline.notify = self.notify(value, &key_path),
                _ => {}
            }
        }
        if !saw_stages {
            self.report(
                key_node.span,
                format!("{path}: must have required property 'stages'"),
                "every pipeline lists its stages, e.g. `stages: [{name: test}]` (a stage with only a name builds and runs the variant of that name)",
            );
        }
        pipeline
    }

    fn fetch(&mut self, node: &Node, path: &str) -> Fetch {
        let mut fetch = Fetch::default();
        for (key, _, value) in self.mapping(node, path, FETCH_KEYS, Strictness::Schema).unwrap_or_default() {
            let key_path = format!("{path}.{key}");
            match key {
                "shallow" => fetch.shallow = self.boolean(value, &key_path),
                "depth" => fetch.depth = self.integer(value, &key_path).map(|d| d.value),
                "submodules" => fetch.submodules = self.boolean(value, &key_path),
                "tags" => fetch.tags = self.boolean(value, &key_path),
                _ => {}
            }
        }
        fetch
    }

    fn execution(&mut self, node: &Node, path: &str) -> Option<Vec<ExecutionArc>> {
        let Value::Seq(arcs) = &node.value else {
            self.report(
                node.span,
                "`execution` graph must be a list of lists (graph branches)",
                "write each path through the graph as a list: `execution: [[build, test], [build, lint]]`",
            );
            return None;
        };
        let mut decoded = Vec::new();
        for (i, arc) in arcs.iter().enumerate() {
            let arc_path = format!("{path}[{i}]");
            let Value::Seq(items) = &arc.value else {
                self.report(
                    arc.span,
                    "`execution` graph must be a list of lists (graph branches)",
                    format!("write this branch as a list of stage names: `[{}]`", arc.scalar_text().unwrap_or("a, b")),
                );
                continue;
            };
            let mut stages: Vec<Spanned<String>> = Vec::new();
            for (j, item) in items.iter().enumerate() {
                let Some(name) = self.string(item, &format!("{arc_path}[{j}]")) else { continue };
                if stages.iter().any(|s| s.value == name) {
                    self.report(
                        item.span,
                        format!("{arc_path}: must NOT have duplicate items ({name:?})"),
                        "an arc is one path through the graph; visiting a stage twice would be a cycle",
                    );
                    continue;
                }
                stages.push(Spanned::new(name, item.span));
            }
            decoded.push(ExecutionArc { stages, span: arc.span });
        }
        // PipelineLib: `config.execution ?: [all stages]`, so an empty list means the default.
        if decoded.is_empty() { None } else { Some(decoded) }
    }

    fn stages(&mut self, node: &Node, path: &str) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::new();
        for (i, item) in self.sequence(node, path).into_iter().enumerate() {
            let Some(stage) = self.stage(item, &format!("{path}[{i}]")) else { continue };
            if let Some(first) = stages.iter().find(|s| s.name.value == stage.name.value) {
                let first_line = first.name.span.start.line;
                self.report(
                    stage.name.span,
                    format!("{path}[{i}].name: stage {:?} is defined twice (first on line {first_line})", stage.name.value),
                    "PipelineLib keys stages by name, so one definition would silently replace the other (or, without `execution`, make a cycle); rename one of them",
                );
                continue;
            }
            stages.push(stage);
        }
        stages
    }

    // --- stages ---------------------------------------------------------------------------

    fn stage(&mut self, node: &Node, path: &str) -> Option<Stage> {
        let entries = self.mapping(node, path, STAGE_KEYS, Strictness::Schema)?;
        let name = self.stage_name(node, path)?;
        let mut stage = Stage::named(name, node.span);
        stage.only_name = matches!(&node.value, Value::Map(pairs) if pairs.len() == 1);
        for (key, _, value) in entries {
            let key_path = format!("{path}.{key}");
            match key {
                "blubberfile" => stage.blubberfile = self.blubber_source(value, &key_path),
                "build" => stage.build = self.build(value, &key_path),
                "run" => stage.run = self.run(value, &key_path),
                "copy" => stage.copy = self.copy(value, &key_path),
                "publish" => stage.publish = self.publish(value, &key_path),
                "promote" => stage.promote = self.promote(value, &key_path),
                "deploy" => stage.deploy = self.deploy(value, &key_path),
                "exports" => stage.exports = self.exports(value, &key_path),
                "notify" => stage.notify = self.notify(value, &key_path),
                "trigger" => stage.trigger = self.trigger(value, &key_path),
                _ => {}
            }
        }
        Some(stage)
    }

    fn stage_name(&mut self, node: &Node, path: &str) -> Option<Spanned<String>> {
        let Some(name_node) = node.get("name") else {
            self.report(
                node.span,
                format!("{path}: must have required property 'name'"),
                "PipelineLib keys stages by name (the schema forgets to require it): add `name: <stage>`",
            );
            return None;
        };
        let name = self.string(name_node, &format!("{path}.name"))?;
        if name.is_empty() {
            self.report(name_node.span, format!("{path}.name: must not be empty"), "give the stage a name, e.g. `name: test`");
            return None;
        }
        if RESERVED_STAGE_NAMES.contains(&name.as_str()) {
            self.report(
                name_node.span,
                format!("{name} is a reserved stage name"),
                "`setup` and `teardown` are PipelineLib's own stages around every pipeline; rename this one",
            );
        }
        Some(Spanned::new(name, name_node.span))
    }

    fn blubber_source(&mut self, node: &Node, path: &str) -> Option<BlubberSource> {
        match &node.value {
            Value::Map(_) => Some(BlubberSource::Inline { json: yaml_to_json_text(node), span: node.span }),
            _ => self.template(node, path).map(BlubberSource::Path),
        }
    }

    // --- steps ----------------------------------------------------------------------------

    fn build(&mut self, node: &Node, path: &str) -> Option<Build> {
        let mut build = Build { span: node.span, variant: None, context: None, excludes: None, image_pull_policy: None };
        if let Value::Map(pairs) = &node.value {
            if pairs.is_empty() {
                return None;
            }
            for (key, _, value) in self.mapping(node, path, BUILD_KEYS, Strictness::Schema)? {
                let key_path = format!("{path}.{key}");
                match key {
                    "variant" => build.variant = self.template(value, &key_path),
                    "context" => build.context = self.template(value, &key_path),
                    "excludes" => build.excludes = self.template_list(value, &key_path),
                    "imagePullPolicy" => build.image_pull_policy = self.template(value, &key_path),
                    _ => {}
                }
            }
            return Some(build);
        }
        if !self.is_string(node) {
            self.type_mismatch(node, path, "string or object");
            return None;
        }
        build.variant = self.template(node, path);
        // `build: ''` is falsy: no build.
        build.variant.as_ref().filter(|v| !v.text.is_empty())?;
        Some(build)
    }

    fn run(&mut self, node: &Node, path: &str) -> Option<Run> {
        let mut run = Run { span: node.span, image: None, arguments: Vec::new(), env: Vec::new(), credentials: Vec::new(), tail: None };
        if !matches!(node.value, Value::Map(_)) {
            return match self.boolean_or(node, path, "boolean or object") {
                Some(true) => Some(run),
                _ => None,
            };
        }
        let entries = self.mapping(node, path, RUN_KEYS, Strictness::Schema)?;
        if entries.is_empty() {
            return None; // `run: {}` is falsy in PipelineLib
        }
        for (key, _, value) in entries {
            let key_path = format!("{path}.{key}");
            match key {
                "image" => run.image = self.template(value, &key_path),
                "arguments" => run.arguments = self.template_list(value, &key_path).unwrap_or_default(),
                "env" => run.env = self.template_map(value, &key_path),
                "credentials" => run.credentials = self.credentials(value, &key_path),
                "tail" => run.tail = self.integer(value, &key_path),
                _ => {}
            }
        }
        Some(run)
    }

    fn credentials(&mut self, node: &Node, path: &str) -> Vec<Credential> {
        let mut credentials = Vec::new();
        for (i, item) in self.sequence(node, path).into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let Some(entries) = self.mapping(item, &item_path, CREDENTIAL_KEYS, Strictness::Schema) else { continue };
            let mut id = None;
            let mut name = None;
            for (key, _, value) in entries {
                let text = self.string(value, &format!("{item_path}.{key}")).map(|t| Spanned::new(t, value.span));
                if key == "id" { id = text } else { name = text }
            }
            match (id, name) {
                (Some(id), Some(name)) => credentials.push(Credential { span: item.span, id, name }),
                (id, _) => {
                    let missing = if id.is_none() { "id" } else { "name" };
                    if item.get(missing).is_none() {
                        self.report(
                            item.span,
                            format!("{item_path}: must have required property '{missing}'"),
                            "a credential is `{id: <Jenkins credential id>, name: <environment variable>}`",
                        );
                    }
                }
            }
        }
        credentials
    }

    fn copy(&mut self, node: &Node, path: &str) -> Vec<CopyEntry> {
        let mut entries = Vec::new();
        for (i, item) in self.sequence(node, path).into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if !matches!(item.value, Value::Map(_)) {
                if let Some(source) = self.template(item, &item_path) {
                    entries.push(CopyEntry { span: item.span, from: None, source, destination: None, archive: false });
                }
                continue;
            }
            let Some(fields) = self.mapping(item, &item_path, COPY_KEYS, Strictness::Schema) else { continue };
            let (mut from, mut source, mut destination, mut archive) = (None, None, None, false);
            for (key, _, value) in fields {
                let key_path = format!("{item_path}.{key}");
                match key {
                    "from" => from = self.template(value, &key_path),
                    "source" => source = self.template(value, &key_path),
                    "destination" => destination = self.template(value, &key_path),
                    "archive" => archive = self.boolean(value, &key_path).unwrap_or(false),
                    _ => {}
                }
            }
            match source {
                Some(source) => entries.push(CopyEntry { span: item.span, from, source, destination, archive }),
                None if item.get("source").is_none() => self.report(
                    item.span,
                    format!("{item_path}: must have required property 'source'"),
                    "say which path in the container to copy: `source: /srv/app/coverage`",
                ),
                None => {}
            }
        }
        entries
    }

    fn publish(&mut self, node: &Node, path: &str) -> Option<Publish> {
        let entries = self.mapping(node, path, PUBLISH_KEYS, Strictness::Schema)?;
        let (_, _, image_node) = entries.into_iter().next()?;
        let image_path = format!("{path}.image");
        let mut image = PublishImage { span: image_node.span, id: None, name: None, tag: None, tags: None };
        if !matches!(image_node.value, Value::Map(_)) {
            return match self.boolean_or(image_node, &image_path, "boolean or object") {
                Some(true) => Some(Publish { span: node.span, image }),
                _ => None,
            };
        }
        let fields = self.mapping(image_node, &image_path, PUBLISH_IMAGE_KEYS, Strictness::Schema)?;
        if fields.is_empty() {
            return None; // `image: {}` is falsy in PipelineLib
        }
        for (key, _, value) in fields {
            let key_path = format!("{image_path}.{key}");
            match key {
                "id" => image.id = self.template(value, &key_path),
                "name" => image.name = self.template(value, &key_path),
                "tag" => image.tag = self.template(value, &key_path),
                "tags" => image.tags = self.template_list(value, &key_path),
                _ => {}
            }
        }
        Some(Publish { span: node.span, image })
    }

    fn promote(&mut self, node: &Node, path: &str) -> Vec<Promote> {
        if !matches!(node.value, Value::Seq(_)) {
            let help = match node.reading() {
                Some(Reading::Bool(true)) => "PipelineLib's schema rejects `promote: true` (its code would accept it): write `promote: [{chart: <chart name>}]`".to_string(),
                _ => "write a list of charts: `promote: [{chart: <chart name>, environments: [staging]}]`".to_string(),
            };
            self.report(node.span, format!("{path}: must be array, found {}", node.kind_description()), help);
            return Vec::new();
        }
        let mut promotions = Vec::new();
        for (i, item) in self.sequence(node, path).into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let Some(fields) = self.mapping(item, &item_path, PROMOTE_KEYS, Strictness::Schema) else { continue };
            let mut promote = Promote { span: item.span, chart: None, environments: Vec::new() };
            for (key, _, value) in fields {
                let key_path = format!("{item_path}.{key}");
                match key {
                    "chart" => promote.chart = self.template(value, &key_path),
                    "environments" => promote.environments = self.template_list(value, &key_path).unwrap_or_default(),
                    _ => {}
                }
            }
            promotions.push(promote);
        }
        promotions
    }

    fn deploy(&mut self, node: &Node, path: &str) -> Option<Deploy> {
        let entries = self.mapping(node, path, DEPLOY_KEYS, Strictness::Schema)?;
        let mut deploy = Deploy {
            span: node.span,
            chart_name: None,
            chart_version: None,
            image: None,
            tag: None,
            test: None,
            timeout: None,
            overrides: None,
        };
        if node.get("chart").is_none() {
            self.report(
                node.span,
                format!("{path}: must have required property 'chart'"),
                "name the Helm chart to install: `chart: {name: <chart>}`",
            );
        }
        for (key, _, value) in entries {
            let key_path = format!("{path}.{key}");
            match key {
                "image" => deploy.image = self.template(value, &key_path),
                "tag" => deploy.tag = self.template(value, &key_path),
                "test" => deploy.test = self.boolean(value, &key_path),
                "timeout" => deploy.timeout = self.integer(value, &key_path),
                "cluster" => self.deploy_cluster(value, &key_path),
                "overrides" => {
                    if matches!(value.value, Value::Map(_)) {
                        deploy.overrides = self.template_value(value, &key_path);
                    } else {
                        self.type_mismatch(value, &key_path, "object");
                    }
                }
                "chart" => {
                    if !matches!(value.value, Value::Map(_)) {
                        self.report(
                            value.span,
                            format!("{key_path}: must be object, found {}", value.kind_description()),
                            format!("write `chart: {{name: {}}}`", value.scalar_text().unwrap_or("<chart>")),
                        );
                        continue;
                    }
                    for (chart_key, _, chart_value) in self.mapping(value, &key_path, DEPLOY_CHART_KEYS, Strictness::Gantry).unwrap_or_default() {
                        let chart_path = format!("{key_path}.{chart_key}");
                        let template = self.template(chart_value, &chart_path);
                        if chart_key == "name" { deploy.chart_name = template } else { deploy.chart_version = template }
                    }
                }
                _ => {}
            }
        }
        Some(deploy)
    }

    fn deploy_cluster(&mut self, node: &Node, path: &str) {
        if let Some(cluster) = self.string(node, path)
            && cluster != "ci"
        {
            self.report(
                node.span,
                format!("{path}: must be equal to constant (\"ci\")"),
                "PipelineLib deploys only to the CI cluster; remove `cluster` or write `cluster: ci`",
            );
        }
    }

    fn exports(&mut self, node: &Node, path: &str) -> Vec<Export> {
        let mut exports = Vec::new();
        for (name, key_node, value) in self.mapping(node, path, &[], Strictness::Schema).unwrap_or_default() {
            if let Some(value) = self.template_value(value, &format!("{path}.{name}")) {
                exports.push(Export { name: Spanned::new(name.to_string(), key_node.span), value });
            }
        }
        exports
    }

    fn notify(&mut self, node: &Node, path: &str) -> Option<Notify> {
        let entries = self.mapping(node, path, NOTIFY_KEYS, Strictness::Schema)?;
        let (_, _, email) = entries.into_iter().next()?;
        let email_path = format!("{path}.email");
        let mut notify = Notify { span: node.span, ..Notify::default() };
        for (key, _, value) in self.mapping(email, &email_path, EMAIL_KEYS, Strictness::Schema)? {
            let key_path = format!("{email_path}.{key}");
            match key {
                "to" if matches!(value.value, Value::Seq(_)) => notify.to = self.template_list(value, &key_path).unwrap_or_default(),
                "to" => notify.to = self.template(value, &key_path).into_iter().collect(),
                "subject" => notify.subject = self.template(value, &key_path),
                "body" => notify.body = self.template(value, &key_path),
                _ => {}
            }
        }
        Some(notify)
    }

    fn trigger(&mut self, node: &Node, path: &str) -> Option<Trigger> {
        let entries = self.mapping(node, path, TRIGGER_KEYS, Strictness::Schema)?;
        let mut name = None;
        let (mut parameters, mut propagate, mut wait) = (Vec::new(), None, None);
        for (key, _, value) in entries {
            let key_path = format!("{path}.{key}");
            match key {
                "name" => name = self.string(value, &key_path).map(|n| Spanned::new(n, value.span)),
                "parameters" => {
                    for (param, param_key, param_value) in self.mapping(value, &key_path, &[], Strictness::Schema).unwrap_or_default() {
                        if let Some(template) = self.template(param_value, &format!("{key_path}.{param}")) {
                            parameters.push((Spanned::new(param.to_string(), param_key.span), template));
                        }
                    }
                }
                "propagate" => propagate = self.boolean(value, &key_path),
                "wait" => wait = self.boolean(value, &key_path),
                _ => {}
            }
        }
        if node.get("name").is_none() {
            self.report(node.span, format!("{path}: must have required property 'name'"), "name the Jenkins job to trigger: `name: <job>`");
        }
        Some(Trigger { span: node.span, name: name?, parameters, propagate, wait })
    }

    // --- typed readers ----------------------------------------------------------------------

    /// Checks that `node` is a mapping and that its keys are allowed (`allowed` empty: any
    /// key). Returns the entries in file order.
    fn mapping<'a>(&mut self, node: &'a Node, path: &str, allowed: &[&str], strictness: Strictness) -> Option<Entries<'a>> {
        let Value::Map(pairs) = &node.value else {
            self.type_mismatch(node, path, "object");
            return None;
        };
        let mut entries = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Some(name) = key.scalar_text() else {
                self.report(key.span, format!("{path}: keys must be strings"), "write the key as a plain word");
                continue;
            };
            if !allowed.is_empty() && !allowed.contains(&name) {
                self.unknown_key(key, name, path, allowed, strictness);
                continue;
            }
            entries.push((name, key, value));
        }
        Some(entries)
    }

    fn unknown_key(&mut self, key: &Node, name: &str, path: &str, allowed: &[&str], strictness: Strictness) {
        let parent = path.rsplit('.').next().unwrap_or(path);
        let parent = parent.split('[').next().unwrap_or(parent);
        let retired = RETIRED_KEYS.iter().find(|(p, k, _)| *p == parent && *k == name).map(|(_, _, help)| help.to_string());
        let list = allowed.join(", ");
        let help = retired.unwrap_or_else(|| match nearest(name, allowed.iter().copied()) {
            Some(suggestion) => format!("did you mean `{suggestion}`? Allowed here: {list}"),
            None => format!("allowed here: {list}"),
        });
        let message = match strictness {
            Strictness::Schema => format!("{path}: must NOT have additional properties ({name:?})"),
            Strictness::Gantry => format!("{path}: unknown key {name:?} (PipelineLib would ignore it)"),
        };
        self.report(key.span, message, help);
    }

    fn sequence<'a>(&mut self, node: &'a Node, path: &str) -> Vec<&'a Node> {
        match &node.value {
            Value::Seq(items) => items.iter().collect(),
            _ => {
                self.type_mismatch(node, path, "array");
                Vec::new()
            }
        }
    }

    fn type_mismatch(&mut self, node: &Node, path: &str, expected: &str) {
        let help = match (&node.value, expected) {
            (_, _) if node.is_null() => "give it a value or remove the key".to_string(),
            (Value::Scalar { text, .. }, "array") => format!("write a list: `[{text}]`"),
            _ => format!("write {} here", with_article(expected)),
        };
        self.report(node.span, format!("{path}: must be {expected}, found {}", node.kind_description()), help);
    }

    fn is_string(&self, node: &Node) -> bool {
        node.reading() == Some(Reading::Str)
    }

    /// A string. Plain scalars that YAML 1.1 reads as booleans or numbers are errors: SnakeYAML
    /// (PipelineLib's reader) would hand over a boolean or a number.
    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match (&node.value, node.reading()) {
            (Value::Scalar { text, .. }, Some(Reading::Str)) => Some(text.clone()),
            (Value::Scalar { text, .. }, Some(reading @ (Reading::Bool(_) | Reading::Int | Reading::Float))) => {
                let meaning = match reading {
                    Reading::Bool(b) => format!("the boolean {b}"),
                    _ => "a number".to_string(),
                };
                self.report(
                    node.span,
                    format!("{path}: must be string, found {}", node.kind_description()),
                    format!("YAML 1.1 reads {text} as {meaning}; quote it: \"{text}\""),
                );
                None
            }
            (Value::Map(_), _) if is_dynamic_expression(node) => {
                self.unsupported_expression(node, path);
                None
            }
            _ => {
                self.type_mismatch(node, path, "string");
                None
            }
        }
    }

    fn unsupported_expression(&mut self, node: &Node, path: &str) {
        let kind = if node.get("$merge").is_some() { "$merge" } else { "$each" };
        self.report(
            node.span,
            format!("{path}: `{kind}` expressions are not supported by gantry yet"),
            "write the value out in full (no config in the known corpus uses `$merge` or `$each`)",
        );
    }

    /// An interpolated string, lexed; invalid `${...}` expressions are reported where they are.
    fn template(&mut self, node: &Node, path: &str) -> Option<Template> {
        let text = self.string(node, path)?;
        match Template::lex(&text, node.span, ColumnMap::of_scalar(&node.value, node.span)) {
            Ok(template) => Some(template),
            Err(invalid) => {
                self.report(
                    invalid.span,
                    invalid.message,
                    "expressions are `${stage.key}`, `${.key}` (this stage) or `${stage.key|default}`, names use letters, digits, '.', '_' and '-', and PipelineLib has no escape for `${`",
                );
                None
            }
        }
    }

    fn template_list(&mut self, node: &Node, path: &str) -> Option<Vec<Template>> {
        if is_dynamic_expression(node) {
            self.unsupported_expression(node, path);
            return None;
        }
        if !matches!(node.value, Value::Seq(_)) {
            self.type_mismatch(node, path, "array");
            return None;
        }
        let items = self.sequence(node, path);
        Some(items.into_iter().enumerate().filter_map(|(i, item)| self.template(item, &format!("{path}[{i}]"))).collect())
    }

    /// A mapping of interpolated keys to interpolated string values (`run.env`).
    fn template_map(&mut self, node: &Node, path: &str) -> Vec<(Template, Template)> {
        let mut map = Vec::new();
        if is_dynamic_expression(node) {
            self.unsupported_expression(node, path);
            return map;
        }
        for (name, key_node, value) in self.mapping(node, path, &[], Strictness::Schema).unwrap_or_default() {
            let value_path = format!("{path}.{name}");
            let key = self.template(key_node, &value_path);
            let value = self.template(value, &value_path);
            if let (Some(key), Some(value)) = (key, value) {
                map.push((key, value));
            }
        }
        map
    }

    /// Any structure, with every string (and key) lexed as a template.
    fn template_value(&mut self, node: &Node, path: &str) -> Option<TemplateValue> {
        if is_dynamic_expression(node) {
            self.unsupported_expression(node, path);
            return None;
        }
        let span = node.span;
        Some(match (&node.value, node.reading()) {
            (Value::Map(_), _) => {
                let mut entries = Vec::new();
                for (name, key_node, value) in self.mapping(node, path, &[], Strictness::Schema)? {
                    let entry_path = format!("{path}.{name}");
                    if let (Some(key), Some(value)) = (self.template(key_node, &entry_path), self.template_value(value, &entry_path)) {
                        entries.push((key, value));
                    }
                }
                TemplateValue::Map { entries, span }
            }
            (Value::Seq(items), _) => TemplateValue::List {
                items: items.iter().enumerate().filter_map(|(i, item)| self.template_value(item, &format!("{path}[{i}]"))).collect(),
                span,
            },
            (_, Some(Reading::Null)) => TemplateValue::Null { span },
            (_, Some(Reading::Bool(value))) => TemplateValue::Bool { value, span },
            (Value::Scalar { text, .. }, Some(Reading::Int | Reading::Float)) => TemplateValue::Number { text: text.clone(), span },
            _ => TemplateValue::Text(self.template(node, path)?),
        })
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        self.boolean_or(node, path, "boolean")
    }

    /// A plain YAML boolean; `expected` names what else would have been accepted.
    fn boolean_or(&mut self, node: &Node, path: &str, expected: &str) -> Option<bool> {
        match (node.reading(), &node.value) {
            (Some(Reading::Bool(b)), Value::Scalar { style: Style::Plain, .. }) => Some(b),
            _ => {
                self.type_mismatch(node, path, expected);
                None
            }
        }
    }

    fn integer(&mut self, node: &Node, path: &str) -> Option<Spanned<u32>> {
        let parsed = match (node.reading(), node.scalar_text()) {
            (Some(Reading::Int), Some(text)) => text.replace('_', "").parse::<u32>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            if node.reading() == Some(Reading::Int) {
                self.report(node.span, format!("{path}: must be between 0 and 4294967295"), "use a small non-negative whole number");
            } else {
                self.type_mismatch(node, path, "integer");
            }
        }
        parsed.map(|value| Spanned::new(value, node.span))
    }
}

/// A `{$merge: ...}` or `{$each: ...}` mapping.
fn is_dynamic_expression(node: &Node) -> bool {
    node.get("$merge").is_some() || node.get("$each").is_some()
}

fn with_article(noun: &str) -> String {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {noun}"),
        _ => format!("a {noun}"),
    }
}
