//! Plan-time interpolation of `${...}` with PipelineLib's scoping rules.
//!
//! A stage reads its own values (`${.key}`, once the step that binds them has run), its DAG
//! ancestors' values and `setup`'s. Referencing a stage that is not an ancestor is
//! AncestorNotFound even with a default; an unbound name without a default is NameNotFound;
//! a bound falsy value takes the default. What is known now becomes text; what only the run
//! can tell stays a [`BindingRef`]; `${NAME}` without a dot is left for the environment.
//!
//! This module must not decide what a step binds or which defaults a step has: the stage
//! planner tells it, step by step.

use std::collections::BTreeMap;
use std::sync::Arc;

use gantry_spec::diagnostic::{Diagnostic, nearest};
use gantry_spec::pipeline::{Pipeline, Template, TemplatePart, TemplateValue, Variable};
use gantry_spec::yaml::Span;

use crate::bindings::{BindingState, BindingTable, StepKind};
use crate::graph::{NodeSet, StageGraph};
use crate::text::{BindingRef, Segment, Text};
use crate::value::Value;

/// The keys PipelineLib's setup stage binds (besides `params.*` and checkout variables).
pub const SETUP_KEYS: &[&str] = &[
    "pipeline", "logURL", "project", "projectShortName", "commit", "branch", "remote", "tag", "timestamp",
    "imageLabels", "httpProxy", "stage",
];
const SETUP: &str = "setup";
const STEPS_THAT_BIND: &[StepKind] = &[StepKind::Build, StepKind::Run, StepKind::Copy, StepKind::Publish, StepKind::Deploy];

pub(crate) struct Resolver<'a> {
    file: Arc<str>,
    pipeline: &'a Pipeline,
    graph: &'a StageGraph,
    ancestors: &'a [NodeSet],
    setup: &'a BTreeMap<String, String>,
    bindings: BindingTable,
    diagnostics: Vec<Diagnostic>,
    position: Position,
}

/// Where the planner is: which stage, which step, and what the stage will bind later.
#[derive(Default)]
struct Position {
    node: usize,
    stage: String,
    step: Option<StepKind>,
    upcoming: Vec<(String, StepKind)>,
}

/// What went wrong with one `${ns.key}`.
enum Unresolvable {
    AncestorNotFound { namespace: String },
    NameNotFound { namespace: String, key: String },
    Skipped { namespace: String, key: String },
}

impl<'a> Resolver<'a> {
    pub fn new(
        file: Arc<str>,
        pipeline: &'a Pipeline,
        graph: &'a StageGraph,
        ancestors: &'a [NodeSet],
        setup: &'a BTreeMap<String, String>,
    ) -> Self {
        Resolver {
            file,
            pipeline,
            graph,
            ancestors,
            setup,
            bindings: BindingTable::default(),
            diagnostics: Vec::new(),
            position: Position::default(),
        }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn report(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(&self.file, span, message, help));
    }

    pub fn pipeline_name(&self) -> &str {
        &self.pipeline.name.value
    }

    pub fn setup_value(&self, key: &str) -> Option<&str> {
        self.setup.get(key).map(String::as_str)
    }

    // --- position and bindings ------------------------------------------------------------

    /// Starts a stage: binds `stage` and remembers what later steps will bind (for help).
    pub fn enter_stage(&mut self, node: usize, upcoming: Vec<(String, StepKind)>) {
        let stage = self.graph.nodes()[node].name.clone();
        self.position = Position { node, stage: stage.clone(), step: Some(StepKind::Start), upcoming };
        self.bindings.bind(&stage, "stage", StepKind::Start, BindingState::Known(stage.clone()));
    }

    pub fn at_step(&mut self, step: StepKind) {
        self.position.step = Some(step);
    }

    /// Binds `key` under the current stage. Rebinding is PipelineLib's NameAlreadyBound.
    pub fn bind(&mut self, key: &str, state: BindingState, span: Span) {
        let step = self.position.step.unwrap_or(StepKind::Start);
        if let Some(existing) = self.bindings.get(&self.position.stage, key) {
            let by = existing.step.name();
            let message = format!("'{}' already has a value assigned to '{key}'", self.position.stage);
            let help = format!("`{key}` is bound by the stage's {by} step; give the export another name");
            self.report(span, message, help);
            return;
        }
        self.bindings.bind(&self.position.stage, key, step, state);
    }

    /// Records what a skipped stage would have bound, so references to it fail clearly.
    pub fn bind_skipped(&mut self, stage: &str, keys: &[(String, StepKind)]) {
        self.bindings.bind(stage, "stage", StepKind::Start, BindingState::Skipped);
        for (key, step) in keys {
            self.bindings.bind(stage, key, *step, BindingState::Skipped);
        }
    }

    // --- interpolation --------------------------------------------------------------------

    pub fn text(&mut self, template: &Template) -> Text {
        self.interpolate(template, None)
    }

    pub fn texts(&mut self, templates: &[Template]) -> Vec<Text> {
        templates.iter().map(|t| self.text(t)).collect()
    }

    /// A field the user left out, filled with PipelineLib's default (`${.imageID}`), which
    /// diagnostics mention as such. `span` is where the step was written.
    pub fn default_text(&mut self, field: &str, default: &str, span: Span) -> Text {
        let template = Template::synthesized(default, span);
        self.interpolate(&template, Some(&format!("{field} defaults to '{default}'")))
    }

    pub fn text_or_default(&mut self, given: Option<&Template>, field: &str, default: &str, span: Span) -> Text {
        match given.filter(|t| !t.text.is_empty()) {
            Some(template) => self.text(template),
            None => self.default_text(field, default, span),
        }
    }

    pub fn value(&mut self, value: &TemplateValue) -> Value {
        match value {
            TemplateValue::Text(template) => Value::Text(self.text(template)),
            TemplateValue::Bool { value, .. } => Value::Bool(*value),
            TemplateValue::Number { text, .. } => Value::Number(text.clone()),
            TemplateValue::Null { .. } => Value::Null,
            TemplateValue::List { items, .. } => Value::List(items.iter().map(|i| self.value(i)).collect()),
            TemplateValue::Map { entries, .. } => {
                Value::Map(entries.iter().map(|(k, v)| (self.text(k), self.value(v))).collect())
            }
        }
    }

    fn interpolate(&mut self, template: &Template, note: Option<&str>) -> Text {
        let mut text = Text::default();
        for part in &template.parts {
            match part {
                TemplatePart::Literal(literal) => text.push_literal(literal),
                TemplatePart::Environment { name, source } => {
                    text.segments.push(Segment::Environment { name: name.clone(), source: source.clone() })
                }
                TemplatePart::Variable(variable) => match self.resolve(variable) {
                    Ok(Segment::Literal(known)) => text.push_literal(&known),
                    Ok(segment) => text.segments.push(segment),
                    Err(problem) => {
                        self.report_unresolvable(variable, problem, note);
                        // Kept as a reference, so checks of known values do not pile up.
                        let namespace = if variable.is_own_stage() { self.position.stage.clone() } else { variable.namespace.clone() };
                        text.segments.push(reference(&namespace, variable));
                    }
                },
            }
        }
        text
    }

    fn resolve(&self, variable: &Variable) -> Result<Segment, Unresolvable> {
        if variable.is_own_stage() {
            return self.lookup(&self.position.stage, variable);
        }
        if variable.namespace == SETUP {
            return self.setup_lookup(variable);
        }
        let namespace = variable.namespace.clone();
        let is_ancestor = self.graph.index_of(&namespace).is_some_and(|n| self.ancestors[self.position.node].contains(n));
        if !is_ancestor {
            return Err(Unresolvable::AncestorNotFound { namespace });
        }
        self.lookup(&namespace, variable)
    }

    fn lookup(&self, stage: &str, variable: &Variable) -> Result<Segment, Unresolvable> {
        let key = &variable.key;
        let Some(binding) = self.bindings.get(stage, key) else {
            return match &variable.default {
                Some(default) => Ok(Segment::Literal(default.clone())),
                None => Err(Unresolvable::NameNotFound { namespace: stage.to_string(), key: key.clone() }),
            };
        };
        match &binding.state {
            BindingState::Known(value) if value.is_empty() => Ok(Segment::Literal(variable.default.clone().unwrap_or_default())),
            BindingState::Known(value) => Ok(Segment::Literal(value.clone())),
            BindingState::Runtime => Ok(reference(stage, variable)),
            BindingState::Skipped => match &variable.default {
                Some(default) => Ok(Segment::Literal(default.clone())),
                None => Err(Unresolvable::Skipped { namespace: stage.to_string(), key: key.clone() }),
            },
        }
    }

    fn setup_lookup(&self, variable: &Variable) -> Result<Segment, Unresolvable> {
        let key = variable.key.as_str();
        let known = match key {
            "pipeline" => Some(self.pipeline_name().to_string()),
            "stage" => Some(SETUP.to_string()),
            _ => self.setup.get(key).cloned(),
        };
        if let Some(value) = known {
            let value = if value.is_empty() { variable.default.clone().unwrap_or_default() } else { value };
            return Ok(Segment::Literal(value));
        }
        if may_be_bound_by_setup(key) {
            return Ok(reference(SETUP, variable));
        }
        match &variable.default {
            Some(default) => Ok(Segment::Literal(default.clone())),
            None => Err(Unresolvable::NameNotFound { namespace: SETUP.to_string(), key: key.to_string() }),
        }
    }

    // --- diagnostics ------------------------------------------------------------------------

    fn report_unresolvable(&mut self, variable: &Variable, problem: Unresolvable, note: Option<&str>) {
        let suffix = note.map(|n| format!(" ({n})")).unwrap_or_default();
        let stage = self.position.stage.clone();
        let (message, help) = match problem {
            Unresolvable::AncestorNotFound { namespace } => (
                format!("cannot access '{namespace}.*' values since '{stage}' does not follow it in the graph{suffix}"),
                self.ancestor_help(&namespace, &variable.key),
            ),
            Unresolvable::NameNotFound { namespace, key } => (
                format!("no value bound for '{namespace}.{key}'{suffix}"),
                self.name_help(&namespace, &key, variable.is_own_stage()),
            ),
            Unresolvable::Skipped { namespace, key } => (
                format!("stage '{stage}' needs '{namespace}.{key}', but '{namespace}' is skipped{suffix}"),
                format!("drop `--skip {namespace}`, or skip '{stage}' too"),
            ),
        };
        self.report(variable.span, message, help);
    }

    fn ancestor_help(&self, namespace: &str, key: &str) -> String {
        let stage = &self.position.stage;
        if namespace == stage {
            return format!("a stage reads its own values as `${{.{key}}}`");
        }
        if self.graph.index_of(namespace).is_some() {
            return format!(
                "values flow only along the execution graph, and '{stage}' does not run after '{namespace}': add an arc such as `[{namespace}, {stage}]` to `execution`"
            );
        }
        if self.pipeline.stage(namespace).is_some() {
            return format!("stage '{namespace}' is not in `execution`, so it never runs and binds nothing");
        }
        let names: Vec<&str> = self.graph.nodes().iter().map(|n| n.name.as_str()).chain([SETUP]).collect();
        match nearest(namespace, names.iter().copied()) {
            Some(suggestion) => format!("did you mean `${{{suggestion}.{key}}}`? No stage is named '{namespace}'"),
            None => format!("no stage is named '{namespace}'; stages here: {}", names.join(", ")),
        }
    }

    fn name_help(&self, namespace: &str, key: &str, own_stage: bool) -> String {
        if namespace == SETUP {
            return match nearest(key, SETUP_KEYS.iter().copied()) {
                Some(suggestion) => format!("did you mean `${{setup.{suggestion}}}`?"),
                None => format!("setup binds: {}, params.<NAME>", SETUP_KEYS.join(", ")),
            };
        }
        if own_stage && let Some((_, step)) = self.position.upcoming.iter().find(|(k, _)| k == key) {
            let now = self.position.step.map(StepKind::name).unwrap_or("start");
            return format!(
                "`.{key}` is bound by this stage's {} step, which runs after {now}: steps run in the order build → run → copy → publish → promote → deploy → exports",
                step.name()
            );
        }
        let keys = self.bindings.keys(namespace);
        if key == "imageID" && own_stage && !keys.contains(&"imageID") {
            return format!("stage '{namespace}' builds no image: add `build: <variant>` to it, or run another stage's image with `image: '${{<stage>.imageID}}'`");
        }
        if let Some(step) = STEPS_THAT_BIND.iter().copied().find(|s| s.binds().contains(&key))
            && !keys.contains(&key)
        {
            return format!("stage '{namespace}' has no {} step, so nothing binds '{key}' there", step.name());
        }
        match nearest(key, keys.iter().copied()) {
            Some(suggestion) => format!("did you mean `{suggestion}`? '{namespace}' binds: {}", keys.join(", ")),
            None => format!("'{namespace}' binds: {}", keys.join(", ")),
        }
    }
}

fn reference(stage: &str, variable: &Variable) -> Segment {
    Segment::Binding(BindingRef { stage: stage.to_string(), key: variable.key.clone(), default: variable.default.clone() })
}

/// Keys that setup binds at run time: its own keys, job parameters and checkout variables
/// (`GIT_COMMIT`, `ZUUL_BRANCH`, … — upper-case names).
fn may_be_bound_by_setup(key: &str) -> bool {
    SETUP_KEYS.contains(&key)
        || key.starts_with("params.")
        || (key.starts_with(|c: char| c.is_ascii_uppercase())
            && key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
}
