//! Turns one stage of `config.yaml` into fully described [`Steps`]: expands the name-only
//! shorthand, fills PipelineLib's defaults (where its schema and code disagree, the code's
//! defaults win, as the spec recommends), resolves every field through the [`Resolver`] step
//! by step, and binds what each step binds, so later steps and stages see exactly what they
//! would see at run time.
//!
//! Checks that need resolved values live here too: a literal `run.image` that is not an
//! image ID, `excludes` with a URL context, unknown promote environments, and the image
//! name policy when the project is known.
//!
//! This module must not look at other stages or at the graph: the resolver answers for them.

use std::borrow::Cow;

use gantry_spec::pipeline::{
    BlubberSource, Build, CopyEntry, Deploy, Notify, Pipeline, Promote, Publish, Run, Stage, Template, Trigger,
};
use gantry_spec::yaml::Span;

use crate::bindings::{BindingState, StepKind};
use crate::naming::{PROMOTE_ENVIRONMENTS, image_full_name, image_name_allowed, is_image_id, sanitize_image_part, sanitize_relative_path};
use crate::resolver::Resolver;
use crate::steps::*;
use crate::text::Text;
use crate::value::Value;

const DEFAULT_DEPLOY_TIMEOUT_SECONDS: u32 = 120;
const DEFAULT_NOTIFY_SUBJECT: &str = "[Pipeline] ${setup.projectShortName} ${setup.pipeline}/${.stage} failed";
const DEFAULT_NOTIFY_BODY: &str = "Stage ${.stage} of pipeline ${setup.pipeline} (${setup.project}) failed.\nLog: ${setup.logURL}";

/// A stage's steps and its failure notification.
pub(crate) struct PlannedSteps {
    pub steps: Steps,
    pub notify: Option<NotifyStep>,
}

/// The stage with the name-only shorthand expanded: build the variant named after the stage
/// (`${.stage}`) and run it (`${.imageID}`).
pub(crate) fn expand_shorthand(stage: &Stage) -> Cow<'_, Stage> {
    if !stage.only_name {
        return Cow::Borrowed(stage);
    }
    let span = stage.name.span;
    let build = Build { span, variant: None, context: None, excludes: None, image_pull_policy: None };
    let run = Run { span, image: None, arguments: Vec::new(), env: Vec::new(), credentials: Vec::new(), tail: None };
    Cow::Owned(Stage { build: Some(build), run: Some(run), ..stage.clone() })
}

/// What a stage binds, by step, in order (after `stage` itself).
pub(crate) fn static_bindings(stage: &Stage) -> Vec<(String, StepKind)> {
    let mut steps = Vec::new();
    if stage.build.is_some() {
        steps.push(StepKind::Build);
    }
    if stage.run.is_some() {
        steps.push(StepKind::Run);
    }
    if !stage.copy.is_empty() {
        steps.push(StepKind::Copy);
    }
    if stage.publish.is_some() {
        steps.push(StepKind::Publish);
    }
    if stage.deploy.is_some() {
        steps.push(StepKind::Deploy);
    }
    let mut bindings: Vec<(String, StepKind)> =
        steps.into_iter().flat_map(|step| step.binds().iter().map(move |key| (key.to_string(), step))).collect();
    bindings.extend(stage.exports.iter().map(|e| (e.name.value.clone(), StepKind::Exports)));
    bindings
}

pub(crate) struct StagePlanner<'r, 'a> {
    resolver: &'r mut Resolver<'a>,
    pipeline: &'a Pipeline,
}

impl<'r, 'a> StagePlanner<'r, 'a> {
    pub fn new(resolver: &'r mut Resolver<'a>, pipeline: &'a Pipeline) -> Self {
        StagePlanner { resolver, pipeline }
    }

    /// Plans the steps of a defined stage (already shorthand-expanded), in PipelineLib's order.
    pub fn plan(&mut self, stage: &Stage) -> PlannedSteps {
        let steps = Steps {
            build: stage.build.as_ref().map(|b| self.build(b, stage)),
            run: stage.run.as_ref().map(|r| self.run(r)),
            copy: self.copy(&stage.copy),
            publish: stage.publish.as_ref().map(|p| self.publish(p)),
            promote: self.promote(&stage.promote),
            deploy: stage.deploy.as_ref().map(|d| self.deploy(d)),
            exports: self.exports(stage),
            trigger: stage.trigger.as_ref().map(|t| self.trigger(t)),
        };
        let notify = self.notify(stage);
        PlannedSteps { steps, notify }
    }

    fn build(&mut self, build: &Build, stage: &Stage) -> BuildStep {
        self.resolver.at_step(StepKind::Build);
        let span = build.span;
        let blubber = self.blubber_config(stage);
        let variant = self.resolver.text_or_default(build.variant.as_ref(), "build.variant", "${.stage}", span);
        let variant_span = build.variant.as_ref().map_or(span, |v| v.span);
        let context = self.resolver.text_or_default(build.context.as_ref(), "build.context", ".", span);
        let excludes = build.excludes.as_ref().map(|e| self.resolver.texts(e));
        let image_pull_policy = self.resolver.text_or_default(build.image_pull_policy.as_ref(), "build.imagePullPolicy", "always", span);
        if excludes.is_some() && context.as_known().is_some_and(|c| c.contains("://")) {
            self.resolver.report(
                build.context.as_ref().map_or(span, |c| c.span),
                "build.excludes: cannot be used with a URL build context",
                "`excludes` rewrites the context's `.dockerignore`, which a remote context does not have; drop `excludes` or build from a local directory",
            );
        }
        self.bind_runtime(&["imageID", "imageLocalName"], span);
        BuildStep { blubber, variant, variant_span, context, excludes, image_pull_policy }
    }

    /// The stage's `blubberfile`, else the pipeline's, else `<pipeline>/blubber.yaml`; a path
    /// is relative to `.pipeline/` at the repository root.
    fn blubber_config(&mut self, stage: &Stage) -> BlubberConfig {
        match stage.blubberfile.as_ref().or(self.pipeline.blubberfile.as_ref()) {
            Some(BlubberSource::Inline { json, span }) => BlubberConfig::Inline { json: json.clone(), span: *span },
            Some(BlubberSource::Path(template)) => BlubberConfig::File { path: self.pipeline_relative(template), span: template.span },
            None => {
                let default = format!(".pipeline/{}/blubber.yaml", self.pipeline.name.value);
                BlubberConfig::File { path: Text::literal(default), span: self.pipeline.name.span }
            }
        }
    }

    fn pipeline_relative(&mut self, template: &Template) -> Text {
        let mut path = Text::literal(".pipeline/");
        for segment in self.resolver.text(template).segments {
            match segment {
                crate::text::Segment::Literal(text) => path.push_literal(&text),
                other => path.segments.push(other),
            }
        }
        path
    }

    fn run(&mut self, run: &Run) -> RunStep {
        self.resolver.at_step(StepKind::Run);
        let image = self.resolver.text_or_default(run.image.as_ref(), "run.image", "${.imageID}", run.span);
        if let Some(literal) = image.as_known().filter(|i| !is_image_id(i)) {
            self.resolver.report(
                run.image.as_ref().map_or(run.span, |i| i.span),
                format!("run.image: {literal:?} is not an image ID"),
                "PipelineLib runs `sha256:<image>`, so only IDs of images built by the pipeline work: use `${<stage>.imageID}`",
            );
        }
        let arguments = self.resolver.texts(&run.arguments);
        let env = run.env.iter().map(|(k, v)| (self.resolver.text(k), self.resolver.text(v))).collect();
        let credentials = run.credentials.iter().map(|c| CredentialRef { id: c.id.value.clone(), name: c.name.value.clone() }).collect();
        let tail = run.tail.as_ref().map_or(0, |t| t.value);
        self.bind_runtime(&["container"], run.span);
        let output = if tail == 0 { BindingState::Known(String::new()) } else { BindingState::Runtime };
        self.resolver.bind("output", output, run.span);
        RunStep { image, arguments, env, credentials, tail }
    }

    fn copy(&mut self, entries: &[CopyEntry]) -> Vec<CopyStep> {
        if entries.is_empty() {
            return Vec::new();
        }
        self.resolver.at_step(StepKind::Copy);
        let steps = entries.iter().map(|entry| self.copy_entry(entry)).collect();
        self.bind_runtime(&["artifactURLs"], entries[0].span);
        steps
    }

    fn copy_entry(&mut self, entry: &CopyEntry) -> CopyStep {
        let from = self.resolver.text_or_default(entry.from.as_ref(), "copy.from", "${.container}", entry.span);
        let source = self.resolver.text(&entry.source);
        let destination = match &entry.destination {
            Some(destination) => self.resolver.text(destination),
            None => source.clone(),
        };
        let destination = match destination.as_known() {
            Some(known) => Text::literal(sanitize_relative_path(&known)),
            None => destination,
        };
        CopyStep { from, source, destination, archive: entry.archive }
    }

    fn publish(&mut self, publish: &Publish) -> PublishStep {
        self.resolver.at_step(StepKind::Publish);
        let image = &publish.image;
        let span = image.span;
        let image_id = self.resolver.text_or_default(image.id.as_ref(), "publish.image.id", "${.imageID}", span);
        let name = self.resolver.text_or_default(image.name.as_ref(), "publish.image.name", "${setup.project}", span);
        let tag = self.resolver.text_or_default(image.tag.as_ref(), "publish.image.tag", "${setup.timestamp}-${.stage}", span);
        let tags = match image.tags.as_ref().filter(|t| !t.is_empty()) {
            Some(tags) => self.resolver.texts(tags),
            None => vec![self.resolver.default_text("publish.image.tags", "${setup.tag}", span)],
        };
        self.check_name_policy(&name, image.name.as_ref().map_or(span, |n| n.span));
        self.bind_publish(&name, &tag, span);
        PublishStep { image_id, name, tag, tags }
    }

    fn check_name_policy(&mut self, name: &Text, span: Span) {
        let (Some(name), Some(project)) = (name.as_known(), self.resolver.setup_value("project").map(str::to_string)) else {
            return;
        };
        let short = self.resolver.setup_value("projectShortName").map(str::to_string).unwrap_or_default();
        if !image_name_allowed(&name, &project, &short) {
            self.resolver.report(
                span,
                format!("publish.image.name: {:?} is not allowed for project {project:?}", sanitize_image_part(&name)),
                format!("published images are named after the project: {:?}, {short:?}, or one of them followed by `-` and a suffix", sanitize_image_part(&project)),
            );
        }
    }

    fn bind_publish(&mut self, name: &Text, tag: &Text, span: Span) {
        let known = |value: Option<String>| value.map_or(BindingState::Runtime, BindingState::Known);
        let name = name.as_known();
        let tag = tag.as_known();
        let full_name = name.as_deref().map(image_full_name);
        let published = full_name.as_ref().zip(tag.as_ref()).map(|(n, t)| format!("{n}:{t}"));
        self.resolver.bind("imageName", known(name.as_deref().map(sanitize_image_part)), span);
        self.resolver.bind("imageFullName", known(full_name), span);
        self.resolver.bind("imageTag", known(tag), span);
        self.resolver.bind("imageTags", BindingState::Runtime, span);
        self.resolver.bind("publishedImage", known(published), span);
    }

    fn promote(&mut self, promotions: &[Promote]) -> Vec<PromoteStep> {
        if promotions.is_empty() {
            return Vec::new();
        }
        self.resolver.at_step(StepKind::Promote);
        promotions.iter().map(|p| self.promote_entry(p)).collect()
    }

    fn promote_entry(&mut self, promote: &Promote) -> PromoteStep {
        let chart = self.resolver.text_or_default(promote.chart.as_ref(), "promote.chart", "${setup.projectShortName}", promote.span);
        let environments = self.resolver.texts(&promote.environments);
        for (environment, template) in environments.iter().zip(&promote.environments) {
            if let Some(name) = environment.as_known().filter(|e| !PROMOTE_ENVIRONMENTS.contains(&e.as_str())) {
                self.resolver.report(
                    template.span,
                    format!("promote.environments: {name:?} is not an environment of deployment-charts"),
                    format!("use {} (or leave the list out for all of them)", PROMOTE_ENVIRONMENTS.join(", ")),
                );
            }
        }
        let version = self.resolver.default_text("promote.version", "${.imageTag}", promote.span);
        PromoteStep { chart, environments, version }
    }

    fn deploy(&mut self, deploy: &Deploy) -> DeployStep {
        self.resolver.at_step(StepKind::Deploy);
        let span = deploy.span;
        let step = DeployStep {
            chart: self.resolver.text_or_default(deploy.chart_name.as_ref(), "deploy.chart.name", "${setup.projectShortName}", span),
            chart_version: self.resolver.text_or_default(deploy.chart_version.as_ref(), "deploy.chart.version", "", span),
            image: self.resolver.text_or_default(deploy.image.as_ref(), "deploy.image", "${.imageName}", span),
            tag: self.resolver.text_or_default(deploy.tag.as_ref(), "deploy.tag", "${.imageTag}", span),
            test: deploy.test.unwrap_or(true),
            timeout_seconds: deploy.timeout.as_ref().map_or(DEFAULT_DEPLOY_TIMEOUT_SECONDS, |t| t.value),
            overrides: deploy.overrides.as_ref().map_or(Value::Map(Vec::new()), |o| self.resolver.value(o)),
        };
        self.bind_runtime(&["releaseName"], span);
        step
    }

    /// Each export is bound right after it is interpolated, so later ones can use earlier ones.
    fn exports(&mut self, stage: &Stage) -> Vec<ExportStep> {
        if stage.exports.is_empty() {
            return Vec::new();
        }
        self.resolver.at_step(StepKind::Exports);
        let mut steps = Vec::new();
        for export in &stage.exports {
            let value = self.resolver.value(&export.value);
            let state = value.as_known().map_or(BindingState::Runtime, BindingState::Known);
            self.resolver.bind(&export.name.value, state, export.name.span);
            steps.push(ExportStep { name: export.name.value.clone(), value });
        }
        steps
    }

    fn trigger(&mut self, trigger: &Trigger) -> TriggerStep {
        self.resolver.at_step(StepKind::Trigger);
        TriggerStep {
            job: trigger.name.value.clone(),
            parameters: trigger.parameters.iter().map(|(name, value)| (name.value.clone(), self.resolver.text(value))).collect(),
            propagate: trigger.propagate.unwrap_or(true),
            wait: trigger.wait.unwrap_or(false),
        }
    }

    /// The pipeline's `notify` merged under the stage's, field by field.
    fn notify(&mut self, stage: &Stage) -> Option<NotifyStep> {
        let merged = merge_notify(self.pipeline.notify.as_ref(), stage.notify.as_ref())?;
        let span = merged.span;
        Some(NotifyStep {
            to: self.resolver.texts(&merged.to),
            subject: self.resolver.text_or_default(merged.subject.as_ref(), "notify.email.subject", DEFAULT_NOTIFY_SUBJECT, span),
            body: self.resolver.text_or_default(merged.body.as_ref(), "notify.email.body", DEFAULT_NOTIFY_BODY, span),
        })
    }

    fn bind_runtime(&mut self, keys: &[&str], span: Span) {
        for key in keys {
            self.resolver.bind(key, BindingState::Runtime, span);
        }
    }
}

fn merge_notify(pipeline: Option<&Notify>, stage: Option<&Notify>) -> Option<Notify> {
    match (pipeline, stage) {
        (None, None) => None,
        (Some(only), None) | (None, Some(only)) => Some(only.clone()),
        (Some(base), Some(over)) => Some(Notify {
            span: over.span,
            to: if over.to.is_empty() { base.to.clone() } else { over.to.clone() },
            subject: over.subject.clone().or_else(|| base.subject.clone()),
            body: over.body.clone().or_else(|| base.body.clone()),
        }),
    }
}
