//! Which pipelines and stages a request selects, and whether its names exist.
//!
//! `--stage NAME` selects the named stages and every stage they come after; `--skip NAME`
//! then removes stages (the resolver reports a skipped stage whose values a planned stage
//! needs). Without `--stage`, every scheduled stage is selected.
//!
//! This module must not resolve variables or plan steps.

use std::collections::BTreeSet;

use gantry_spec::diagnostic::{Diagnostic, nearest};
use gantry_spec::pipeline::{Pipeline, PipelineFile};

use crate::graph::{NodeSet, StageGraph};
use crate::request::PlanRequest;

/// The selected stages of one pipeline, as node sets of its graph.
pub(crate) struct Selection {
    pub planned: NodeSet,
    pub skipped: NodeSet,
}

/// The pipelines the request names (all when it names none), in file order, with an error
/// for each name that no pipeline has.
pub(crate) fn selected_pipelines<'f>(file: &'f PipelineFile, request: &PlanRequest, diagnostics: &mut Vec<Diagnostic>) -> Vec<&'f Pipeline> {
    if request.pipelines.is_empty() {
        return file.pipelines.iter().collect();
    }
    let names: Vec<&str> = file.pipelines.iter().map(|p| p.name.value.as_str()).collect();
    for requested in &request.pipelines {
        if !names.contains(&requested.as_str()) {
            let help = match nearest(requested, names.iter().copied()) {
                Some(suggestion) => format!("did you mean '{suggestion}'? Pipelines here: {}", names.join(", ")),
                None => format!("pipelines here: {}", names.join(", ")),
            };
            let message = format!("Pipeline '{requested}' is not defined in project's '{}'", file.path);
            diagnostics.push(Diagnostic::new(&file.path, file.pipelines_span, message, help));
        }
    }
    file.pipelines.iter().filter(|p| request.pipelines.contains(&p.name.value)).collect()
}

/// Checks `--stage` and `--skip` names against the selected pipelines' graphs.
pub(crate) fn check_stage_names(file: &PipelineFile, graphs: &[(&Pipeline, StageGraph)], request: &PlanRequest, diagnostics: &mut Vec<Diagnostic>) {
    let scheduled: BTreeSet<&str> = graphs.iter().flat_map(|(_, g)| g.nodes().iter().map(|n| n.name.as_str())).collect();
    for (flag, names) in [("--stage", &request.stages), ("--skip", &request.skip)] {
        for name in names.iter().filter(|n| !scheduled.contains(n.as_str())) {
            let help = unknown_stage_help(name, graphs, &scheduled);
            let message = format!("{flag} {name}: no selected pipeline has a stage named '{name}'");
            diagnostics.push(Diagnostic::new(&file.path, file.pipelines_span, message, help));
        }
    }
    for name in request.stages.iter().filter(|n| request.skip.contains(n)) {
        let message = format!("stage '{name}' is both requested (--stage) and skipped (--skip)");
        diagnostics.push(Diagnostic::new(&file.path, file.pipelines_span, message, "keep one of the two flags"));
    }
}

fn unknown_stage_help(name: &str, graphs: &[(&Pipeline, StageGraph)], scheduled: &BTreeSet<&str>) -> String {
    if let Some((pipeline, _)) = graphs.iter().find(|(p, _)| p.stage(name).is_some()) {
        return format!("pipeline '{}' defines '{name}' but leaves it out of `execution`, so it never runs", pipeline.name.value);
    }
    let list = scheduled.iter().copied().collect::<Vec<_>>().join(", ");
    match nearest(name, scheduled.iter().copied()) {
        Some(suggestion) => format!("did you mean '{suggestion}'? Stages: {list}"),
        None => format!("stages: {list}"),
    }
}

/// The stages of one pipeline the request selects; `None` when `--stage` names none of its
/// stages (the pipeline is left out).
pub(crate) fn select(graph: &StageGraph, ancestors: &[NodeSet], request: &PlanRequest) -> Option<Selection> {
    let count = graph.nodes().len();
    let mut planned = NodeSet::with_capacity(count);
    if request.stages.is_empty() {
        (0..count).for_each(|n| planned.insert(n));
    } else {
        let requested: Vec<usize> = request.stages.iter().filter_map(|s| graph.index_of(s)).collect();
        if requested.is_empty() {
            return None;
        }
        for node in requested {
            planned.insert(node);
            planned.union_with(&ancestors[node]);
        }
    }
    let mut skipped = NodeSet::with_capacity(count);
    for node in request.skip.iter().filter_map(|s| graph.index_of(s)).filter(|&n| planned.contains(n)) {
        skipped.insert(node);
    }
    planned.remove_all(&skipped);
    Some(Selection { planned, skipped })
}
