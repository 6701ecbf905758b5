//! `gantry plan`: what would run, in order, with every step and the values known so far.
//! Values only the run can tell show as `${stage.key}`.

use std::fmt::Write;

use crate::naming::{image_full_name, sanitize_image_part};
use crate::plan::{FetchOptions, PipelinePlan, Plan, PlannedStage, StageOrigin};
use crate::steps::*;
use crate::text::Text;

const LABEL_WIDTH: usize = 9;

pub fn render_plan(plan: &Plan) -> String {
    let mut out = String::new();
    for (i, pipeline) in plan.pipelines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_pipeline(&mut out, pipeline);
    }
    if plan.pipelines.is_empty() {
        out.push_str("nothing to run\n");
    }
    out
}

fn render_pipeline(out: &mut String, pipeline: &PipelinePlan) {
    let _ = writeln!(out, "pipeline {}  (directory {})", pipeline.name, pipeline.directory);
    if pipeline.fetch != FetchOptions::default() {
        let fetch = pipeline.fetch;
        let _ = writeln!(
            out,
            "  checkout: {}, depth {}, submodules {}, tags {}",
            if fetch.shallow { "shallow" } else { "full" },
            fetch.depth,
            if fetch.submodules { "yes" } else { "no" },
            if fetch.tags { "yes" } else { "no" },
        );
    }
    for (i, stage) in pipeline.stages.iter().enumerate() {
        render_stage(out, i + 1, stage);
    }
    let notes = [
        ("skipped", &pipeline.skipped),
        ("not selected", &pipeline.not_selected),
        ("never runs (not in execution)", &pipeline.not_scheduled),
    ];
    for (label, names) in notes {
        if !names.is_empty() {
            let _ = writeln!(out, "  {label}: {}", names.join(", "));
        }
    }
}

fn render_stage(out: &mut String, number: usize, stage: &PlannedStage) {
    let needs = if stage.needs.is_empty() { String::new() } else { format!("  (after {})", stage.needs.join(", ")) };
    let origin = match stage.origin {
        StageOrigin::Shorthand => "  [shorthand: build and run the variant of this name]",
        StageOrigin::ExecutionOnly => "  [no-op: named in execution only]",
        StageOrigin::Defined => "",
    };
    let _ = writeln!(out, "  {number}. {}{needs}{origin}", stage.name);
    let mut lines = StepLines { out, indent: "       " };
    let steps = &stage.steps;
    if stage.origin == StageOrigin::Defined && steps.is_empty() {
        lines.step("(no steps)", "");
    }
    if let Some(build) = &steps.build {
        lines.build(build);
    }
    if let Some(run) = &steps.run {
        lines.run(run);
    }
    for copy in &steps.copy {
        lines.copy(copy);
    }
    if let Some(publish) = &steps.publish {
        lines.publish(publish);
    }
    for promote in &steps.promote {
        lines.promote(promote);
    }
    if let Some(deploy) = &steps.deploy {
        lines.deploy(deploy);
    }
    for export in &steps.exports {
        lines.step("export", &format!("{} = {}", export.name, export.value));
    }
    if let Some(trigger) = &steps.trigger {
        lines.trigger(trigger);
    }
    if let Some(notify) = &stage.notify {
        lines.step("notify", &format!("{} on failure: {}", join(&notify.to, ", "), notify.subject));
    }
}

struct StepLines<'a> {
    out: &'a mut String,
    indent: &'static str,
}

impl StepLines<'_> {
    fn step(&mut self, label: &str, text: &str) {
        let line = format!("{}{label:<LABEL_WIDTH$}{text}", self.indent);
        let _ = writeln!(self.out, "{}", line.trim_end());
    }

    fn detail(&mut self, text: &str) {
        let _ = writeln!(self.out, "{}{:LABEL_WIDTH$}{text}", self.indent, "");
    }

    fn build(&mut self, build: &BuildStep) {
        let source = match &build.blubber {
            BlubberConfig::File { path, .. } => path.to_string(),
            BlubberConfig::Inline { span, .. } => format!("inline Blubber config (line {})", span.start.line),
        };
        self.step("build", &format!("variant {} from {source}", build.variant));
        let context = build.context.to_string();
        let pull = build.image_pull_policy.to_string();
        if context != "." || pull != "always" {
            self.detail(&format!("context {context}, imagePullPolicy {pull}"));
        }
        if let Some(excludes) = &build.excludes {
            self.detail(&format!("excludes {}", join(excludes, ", ")));
        }
    }

    fn run(&mut self, run: &RunStep) {
        self.step("run", &format!("image {}", run.image));
        if !run.arguments.is_empty() {
            let arguments: Vec<String> = run.arguments.iter().map(|a| quote_word(&a.to_string())).collect();
            self.detail(&format!("arguments {}", arguments.join(" ")));
        }
        for (name, value) in &run.env {
            self.detail(&format!("env {name}={value}"));
        }
        for credential in &run.credentials {
            self.detail(&format!("credential {} as ${}", credential.id, credential.name));
        }
        if run.tail > 0 {
            self.detail(&format!("keeps the last {} lines of output", run.tail));
        }
    }

    fn copy(&mut self, copy: &CopyStep) {
        let archive = if copy.archive { " (archived)" } else { "" };
        self.step("copy", &format!("{}:{} → {}{archive}", copy.from, copy.source, copy.destination));
    }

    fn publish(&mut self, publish: &PublishStep) {
        let name = publish.name.as_known().map_or_else(|| publish.name.to_string(), |n| image_full_name(&n));
        self.step("publish", &format!("{name} from {}", publish.image_id));
        let tags: Vec<String> =
            publish.all_tags().map(|t| t.as_known().map_or_else(|| t.to_string(), |t| sanitize_image_part(&t))).collect();
        self.detail(&format!("tags {}", tags.join(", ")));
    }

    fn promote(&mut self, promote: &PromoteStep) {
        let environments = if promote.environments.is_empty() { "all environments".to_string() } else { join(&promote.environments, ", ") };
        self.step("promote", &format!("chart {} to {} in {environments}", promote.chart, promote.version));
    }

    fn deploy(&mut self, deploy: &DeployStep) {
        let version = deploy.chart_version.to_string();
        let chart = if version.is_empty() { deploy.chart.to_string() } else { format!("{}@{version}", deploy.chart) };
        self.step("deploy", &format!("chart {chart} with image {}:{}", deploy.image, deploy.tag));
        let test = if deploy.test { "then helm test" } else { "no helm test" };
        self.detail(&format!("timeout {}s, {test}", deploy.timeout_seconds));
        if deploy.overrides != crate::Value::Map(Vec::new()) {
            self.detail(&format!("overrides {}", deploy.overrides));
        }
    }

    fn trigger(&mut self, trigger: &TriggerStep) {
        let wait = if trigger.wait { "waits" } else { "does not wait" };
        let propagate = if trigger.propagate { "propagates its result" } else { "ignores its result" };
        self.step("trigger", &format!("job {} ({wait}, {propagate})", trigger.job));
        for (name, value) in &trigger.parameters {
            self.detail(&format!("parameter {name}={value}"));
        }
    }
}

fn join<'a>(texts: impl IntoIterator<Item = &'a Text>, separator: &str) -> String {
    texts.into_iter().map(ToString::to_string).collect::<Vec<_>>().join(separator)
}

/// A word as a shell would need it: quoted when empty or when it has spaces or quotes.
fn quote_word(word: &str) -> String {
    if !word.is_empty() && !word.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}
