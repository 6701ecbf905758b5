//! `gantry graph`: the planned stages and what each waits for, as Graphviz dot or Mermaid.
//! One cluster (subgraph) per pipeline; node ids are generated, labels are stage names.

use std::fmt::Write;

use crate::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

pub fn render_graph(plan: &Plan, format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => dot(plan),
        GraphFormat::Mermaid => mermaid(plan),
    }
}

fn node_id(pipeline: usize, stage: usize) -> String {
    format!("p{pipeline}s{stage}")
}

/// The edges of one pipeline as pairs of stage positions.
fn edges(plan: &Plan, pipeline: usize) -> Vec<(usize, usize)> {
    let stages = &plan.pipelines[pipeline].stages;
    let position = |name: &String| stages.iter().position(|s| &s.name == name);
    stages
        .iter()
        .enumerate()
        .flat_map(|(to, stage)| stage.needs.iter().filter_map(position).map(move |from| (from, to)))
        .collect()
}

fn dot(plan: &Plan) -> String {
    let mut out = String::from("digraph gantry {\n  rankdir=LR;\n");
    for (p, pipeline) in plan.pipelines.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{p} {{\n    label={};", dot_string(&pipeline.name));
        for (s, stage) in pipeline.stages.iter().enumerate() {
            let _ = writeln!(out, "    {} [label={}];", node_id(p, s), dot_string(&stage.name));
        }
        for (from, to) in edges(plan, p) {
            let _ = writeln!(out, "    {} -> {};", node_id(p, from), node_id(p, to));
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

fn dot_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    for (p, pipeline) in plan.pipelines.iter().enumerate() {
        let _ = writeln!(out, "  subgraph p{p}[{}]", mermaid_label(&pipeline.name));
        for (s, stage) in pipeline.stages.iter().enumerate() {
            let _ = writeln!(out, "    {}[{}]", node_id(p, s), mermaid_label(&stage.name));
        }
        for (from, to) in edges(plan, p) {
            let _ = writeln!(out, "    {} --> {}", node_id(p, from), node_id(p, to));
        }
        out.push_str("  end\n");
    }
    out
}

/// A quoted Mermaid label; `"` becomes `#quot;`, Mermaid's entity for it.
fn mermaid_label(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "#quot;"))
}
