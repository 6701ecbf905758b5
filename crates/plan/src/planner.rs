//! From a decoded `config.yaml` and a request to a [`Plan`]: select pipelines, build and
//! validate each execution graph, select stages, then plan the selected stages in
//! topological order so that each sees its ancestors' bindings. Every problem of every
//! selected pipeline is reported in one pass.
//!
//! This module must not do I/O or read the environment; what the caller knows of `setup`
//! comes in the request.

use gantry_spec::diagnostic::Diagnostic;
use std::collections::HashMap;

use gantry_spec::pipeline::{Pipeline, PipelineFile, Stage};

use crate::graph::{Cycle, NodeSet, StageGraph};
use crate::plan::{FetchOptions, PipelinePlan, Plan, PlannedStage, StageOrigin};
use crate::request::PlanRequest;
use crate::resolver::Resolver;
use crate::selection::{Selection, check_stage_names, select, selected_pipelines};
use crate::stage_planner::{StagePlanner, expand_shorthand, static_bindings};
use crate::steps::Steps;

/// Plans the requested pipelines and stages of `file`.
pub fn plan(file: &PipelineFile, request: &PlanRequest) -> Result<Plan, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let pipelines = selected_pipelines(file, request, &mut diagnostics);
    let graphs: Vec<(&Pipeline, StageGraph)> = pipelines.iter().map(|p| (*p, StageGraph::of(p))).collect();
    if graphs.is_empty() {
        // No valid pipeline named: check stage names against every pipeline instead.
        let all: Vec<(&Pipeline, StageGraph)> = file.pipelines.iter().map(|p| (p, StageGraph::of(p))).collect();
        check_stage_names(file, &all, request, &mut diagnostics);
    } else {
        check_stage_names(file, &graphs, request, &mut diagnostics);
    }
    let mut planned = Vec::new();
    for (pipeline, graph) in &graphs {
        let mut planner = PipelinePlanner { file, pipeline, graph, request, diagnostics: &mut diagnostics };
        planned.extend(planner.plan());
    }
    if diagnostics.is_empty() {
        Ok(Plan { file: file.path.clone(), pipelines: planned })
    } else {
        diagnostics.sort_by(|a, b| (&a.file, a.span.start, &a.message).cmp(&(&b.file, b.span.start, &b.message)));
        diagnostics.dedup();
        Err(diagnostics)
    }
}

struct PipelinePlanner<'p> {
    file: &'p PipelineFile,
    pipeline: &'p Pipeline,
    graph: &'p StageGraph,
    request: &'p PlanRequest,
    diagnostics: &'p mut Vec<Diagnostic>,
}

impl PipelinePlanner<'_> {
    fn plan(&mut self) -> Option<PipelinePlan> {
        let order = match self.graph.topological_order() {
            Ok(order) => order,
            Err(cycles) => {
                cycles.iter().for_each(|cycle| self.report_cycle(cycle));
                return None;
            }
        };
        let ancestors = self.graph.ancestor_sets(&order);
        let selection = select(self.graph, &ancestors, self.request)?;
        let stages = self.plan_stages(&order, &ancestors, &selection);
        let names = |set: &NodeSet, wanted: bool| -> Vec<String> {
            order.iter().filter(|&&n| set.contains(n) == wanted).map(|&n| self.graph.nodes()[n].name.clone()).collect()
        };
        let mut in_plan_or_skipped = selection.planned.clone();
        in_plan_or_skipped.union_with(&selection.skipped);
        Some(PipelinePlan {
            name: self.pipeline.name.value.clone(),
            directory: self.pipeline.directory.as_ref().map_or_else(|| ".".to_string(), |d| d.value.clone()),
            fetch: self.fetch_options(),
            stages,
            not_scheduled: self.not_scheduled(),
            skipped: names(&selection.skipped, true),
            not_selected: names(&in_plan_or_skipped, false),
        })
    }

    fn plan_stages(&mut self, order: &[usize], ancestors: &[NodeSet], selection: &Selection) -> Vec<PlannedStage> {
        let mut resolver =
            Resolver::new(self.file.path.clone(), self.pipeline, self.graph, ancestors, &self.request.setup);
        let mut position = vec![0; order.len()];
        for (i, &node) in order.iter().enumerate() {
            position[node] = i;
        }
        let definitions: HashMap<&str, &Stage> = self.pipeline.stages.iter().map(|s| (s.name.value.as_str(), s)).collect();
        let mut stages = Vec::new();
        for &node in order {
            let name = &self.graph.nodes()[node].name;
            let written = definitions.get(name.as_str()).copied();
            let definition = written.map(expand_shorthand);
            if selection.skipped.contains(node) {
                let bindings = definition.as_deref().map(static_bindings).unwrap_or_default();
                resolver.bind_skipped(name, &bindings);
                continue;
            }
            if !selection.planned.contains(node) {
                continue;
            }
            let upcoming = definition.as_deref().map(static_bindings).unwrap_or_default();
            resolver.enter_stage(node, upcoming);
            let (steps, notify, origin) = match (definition.as_deref(), written) {
                (Some(stage), Some(written)) => {
                    let planned = StagePlanner::new(&mut resolver, self.pipeline).plan(stage);
                    let origin = if written.only_name { StageOrigin::Shorthand } else { StageOrigin::Defined };
                    (planned.steps, planned.notify, origin)
                }
                _ => (Steps::default(), None, StageOrigin::ExecutionOnly),
            };
            stages.push(PlannedStage {
                name: name.clone(),
                span: written.map_or(self.graph.nodes()[node].span, |s| s.name.span),
                needs: self.needs(node, &position, selection),
                origin,
                steps,
                notify,
            });
        }
        self.diagnostics.extend(resolver.into_diagnostics());
        stages
    }

    /// The nearest planned stages before `node`, looking through stages left out, in plan
    /// order (`position` is each node's place in the topological order).
    fn needs(&self, node: usize, position: &[usize], selection: &Selection) -> Vec<String> {
        let mut seen = NodeSet::with_capacity(self.graph.nodes().len());
        let mut needed = Vec::new();
        let mut pending: Vec<usize> = self.graph.predecessors(node).collect();
        while let Some(parent) = pending.pop() {
            if seen.contains(parent) {
                continue;
            }
            seen.insert(parent);
            if selection.planned.contains(parent) {
                needed.push(parent);
            } else {
                pending.extend(self.graph.predecessors(parent));
            }
        }
        needed.sort_by_key(|&n| position[n]);
        needed.into_iter().map(|n| self.graph.nodes()[n].name.clone()).collect()
    }

    fn not_scheduled(&self) -> Vec<String> {
        self.pipeline
            .stages
            .iter()
            .filter(|s| self.graph.index_of(&s.name.value).is_none())
            .map(|s| s.name.value.clone())
            .collect()
    }

    fn fetch_options(&self) -> FetchOptions {
        let fetch = &self.pipeline.fetch;
        let defaults = FetchOptions::default();
        FetchOptions {
            shallow: fetch.shallow.unwrap_or(defaults.shallow),
            depth: fetch.depth.unwrap_or(defaults.depth),
            submodules: fetch.submodules.unwrap_or(defaults.submodules),
            tags: fetch.tags.unwrap_or(defaults.tags),
        }
    }

    fn report_cycle(&mut self, cycle: &Cycle) {
        let nodes = self.graph.nodes();
        let Some(first) = cycle.edges.first() else { return };
        let mut path: Vec<&str> = cycle.nodes.iter().map(|&n| nodes[n].name.as_str()).collect();
        path.push(&nodes[first.from].name);
        let edges: Vec<String> = cycle
            .edges
            .iter()
            .map(|e| format!("{} → {} (line {}, column {})", nodes[e.from].name, nodes[e.to].name, e.span.start.line, e.span.start.column))
            .collect();
        let message = format!("cycle detected in graph of pipeline '{}': {}", self.pipeline.name.value, path.join(" → "));
        let help = format!("the cycle is made by these `execution` edges: {}; remove one of them", edges.join(", "));
        self.diagnostics.push(Diagnostic::new(&self.file.path, first.span, message, help));
    }
}
