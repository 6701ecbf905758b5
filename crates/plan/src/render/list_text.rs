//! `gantry list`: pipelines, their stages in plan order, what each stage does and needs.

use std::fmt::Write;

use crate::plan::{PipelinePlan, Plan, PlannedStage, StageOrigin};

pub fn render_list(plan: &Plan) -> String {
    let mut out = String::new();
    for pipeline in &plan.pipelines {
        render_pipeline(&mut out, pipeline);
    }
    out
}

fn render_pipeline(out: &mut String, pipeline: &PipelinePlan) {
    let _ = writeln!(out, "{}", pipeline.name);
    let width = pipeline.stages.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
    let rows: Vec<(String, String)> = pipeline.stages.iter().map(|s| (s.name.clone(), describe(s))).collect();
    let summary_width = rows.iter().map(|(_, d)| d.chars().count()).max().unwrap_or(0);
    for (stage, (name, summary)) in pipeline.stages.iter().zip(&rows) {
        let needs = if stage.needs.is_empty() { String::new() } else { format!("needs {}", stage.needs.join(", ")) };
        let line = format!("  {name:<width$}  {summary:<summary_width$}  {needs}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for name in &pipeline.not_scheduled {
        let _ = writeln!(out, "  {name:<width$}  never runs (not in execution)");
    }
}

/// The steps a stage has, in order: `build, run, publish`.
fn describe(stage: &PlannedStage) -> String {
    if stage.origin == StageOrigin::ExecutionOnly {
        return "no-op".to_string();
    }
    let names = stage.steps.names();
    if names.is_empty() { "no steps".to_string() } else { names.join(", ") }
}
