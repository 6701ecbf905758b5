//! The step configuration of a planned stage as key inputs (`step:…`), and whether the
//! stage may be cached at all.
//!
//! Texts enter the key as the plan holds them: literal parts as text, run-time values as
//! their `${stage.key}` expression (the value itself comes from an upstream stage, whose key
//! is an input), `${NAME}` environment references as written (the collector adds their
//! values as `env:` inputs). Credentials enter by id and variable name only: their values
//! are never read. This module is pure and must not read the environment.

use gantry_plan::{BindingRef, PlannedStage, Segment, Steps, Text};

use crate::key::input_name::{InputKind, InputName};
use crate::key::key_inputs::KeyInputs;

/// Whether a stage's result may be reused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cacheability {
    Cacheable,
    /// Never reused: the step acts on something outside the run (a cluster, a chart
    /// repository, another job), which a key cannot see.
    Never { reason: String },
}

/// Cacheability of `steps`: promote, deploy and trigger steps act outside the run.
pub fn cacheability(steps: &Steps) -> Cacheability {
    let external = [
        (!steps.promote.is_empty(), "it promotes a chart"),
        (steps.deploy.is_some(), "it deploys to a cluster"),
        (steps.trigger.is_some(), "it triggers another job"),
    ];
    match external.into_iter().find(|(present, _)| *present) {
        Some((_, reason)) => Cacheability::Never { reason: reason.to_owned() },
        None => Cacheability::Cacheable,
    }
}

/// Adds one `step:` input per configured field of `stage`'s steps.
pub fn add_step_inputs(inputs: &mut KeyInputs, stage: &PlannedStage) {
    let mut add = |field: String, value: String| {
        inputs.add_content(InputName::new(InputKind::Step, field), value.as_bytes(), true);
    };
    let steps = &stage.steps;
    if let Some(build) = &steps.build {
        let blubber = match &build.blubber {
            gantry_plan::BlubberConfig::File { path, .. } => path.to_string(),
            gantry_plan::BlubberConfig::Inline { json, .. } => json.clone(),
        };
        add("build.blubber".into(), blubber);
        add("build.variant".into(), build.variant.to_string());
        add("build.context".into(), build.context.to_string());
        if let Some(excludes) = &build.excludes {
            add("build.excludes".into(), texts_json(excludes.iter()));
        }
        add("build.imagePullPolicy".into(), build.image_pull_policy.to_string());
    }
    if let Some(run) = &steps.run {
        add("run.image".into(), run.image.to_string());
        add("run.arguments".into(), texts_json(run.arguments.iter()));
        for (name, value) in &run.env {
            add(format!("run.env.{name}"), value.to_string());
        }
        for credential in &run.credentials {
            add(format!("run.credentials.{}", credential.name), credential.id.clone());
        }
        add("run.tail".into(), run.tail.to_string());
    }
    for (index, copy) in steps.copy.iter().enumerate() {
        let fields = [&copy.from, &copy.source, &copy.destination];
        add(format!("copy.{index}"), format!("{} archive={}", texts_json(fields.into_iter()), copy.archive));
    }
    if let Some(publish) = &steps.publish {
        add("publish.imageID".into(), publish.image_id.to_string());
        add("publish.name".into(), publish.name.to_string());
        add("publish.tags".into(), texts_json(publish.all_tags()));
    }
    for export in &steps.exports {
        add(format!("exports.{}", export.name), export.value.to_string());
    }
}

/// The `${NAME}` environment variables the step configuration reads, sorted, each once.
pub fn environment_references(steps: &Steps) -> Vec<String> {
    let mut names: Vec<String> = step_texts(steps)
        .into_iter()
        .flat_map(|text| text.segments.iter())
        .filter_map(|segment| match segment {
            Segment::Environment { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The `${stage.key}` values the steps read, in step order (repeats kept).
pub fn binding_references(steps: &Steps) -> Vec<&BindingRef> {
    step_texts(steps).into_iter().flat_map(Text::bindings).collect()
}

/// Every text of the steps that a key reads.
fn step_texts(steps: &Steps) -> Vec<&Text> {
    let mut texts = Vec::new();
    if let Some(build) = &steps.build {
        texts.extend([&build.variant, &build.context, &build.image_pull_policy]);
        texts.extend(build.excludes.iter().flatten());
    }
    if let Some(run) = &steps.run {
        texts.push(&run.image);
        texts.extend(&run.arguments);
        texts.extend(run.env.iter().flat_map(|(name, value)| [name, value]));
    }
    for copy in &steps.copy {
        texts.extend([&copy.from, &copy.source, &copy.destination]);
    }
    if let Some(publish) = &steps.publish {
        texts.extend([&publish.image_id, &publish.name]);
        texts.extend(publish.all_tags());
    }
    for export in &steps.exports {
        texts.extend(export.value.texts());
    }
    texts
}

/// A JSON list of the texts as written: no two lists render alike.
fn texts_json<'a>(texts: impl Iterator<Item = &'a Text>) -> String {
    let list: Vec<String> = texts.map(ToString::to_string).collect();
    serde_json::to_string(&list).unwrap_or_default()
}
