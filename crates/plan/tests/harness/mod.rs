//! Shared by the data-driven tests: reads a case's request from its header comments, plans
//! it, and prints the outcome (the `gantry plan` text, or every diagnostic) for snapshots.

#![allow(dead_code)]

use std::sync::Arc;

use gantry_plan::{Plan, PlanRequest, render_plan};
use gantry_spec::Diagnostic;

/// The request written in a case's leading comments:
/// `# args: [PIPELINE...] [--stage NAME]... [--skip NAME]...` and
/// `# setup: key=value ...`. Other comment lines describe the case.
pub fn request_from_header(text: &str) -> PlanRequest {
    let mut request = PlanRequest::default();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(args) = line.strip_prefix("# args:") {
            read_args(args, &mut request);
        } else if let Some(setup) = line.strip_prefix("# setup:") {
            for pair in setup.split_whitespace() {
                if let Some((key, value)) = pair.split_once('=') {
                    request.setup.insert(key.to_string(), value.to_string());
                }
            }
        }
    }
    request
}

fn read_args(args: &str, request: &mut PlanRequest) {
    let mut words = args.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "--stage" => request.stages.extend(words.next().map(str::to_string)),
            "--skip" => request.skip.extend(words.next().map(str::to_string)),
            pipeline => request.pipelines.push(pipeline.to_string()),
        }
    }
}

/// Decodes and plans `text`; the plan, or every diagnostic.
pub fn plan_text(file: &str, text: &str, request: &PlanRequest) -> Result<Plan, Vec<Diagnostic>> {
    let file: Arc<str> = file.into();
    let decoded = gantry_spec::pipeline::parse(&file, text)?;
    gantry_plan::plan(&decoded, request)
}

/// What a user would see: the plan text, or the diagnostics as `file:line:col: message`
/// with the help line under each.
pub fn outcome(result: &Result<Plan, Vec<Diagnostic>>) -> String {
    match result {
        Ok(plan) => render_plan(plan),
        Err(diagnostics) => render_diagnostics(diagnostics),
    }
}

pub fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::from("error:\n");
    for d in diagnostics {
        out.push_str(&format!("{}:{}:{}: {}\n  help: {}\n", d.file, d.span.start.line, d.span.start.column, d.message, d.help));
    }
    out
}
