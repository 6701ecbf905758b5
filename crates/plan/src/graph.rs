//! A pipeline's execution graph, built the way PipelineLib's `ExecutionGraph` builds it:
//! each `execution` arc `[a, b, c]` adds the edges a→b and b→c, arcs sharing names merge,
//! and without `execution` the stages form one chain in file order. Names in `execution`
//! that no stage defines are nodes too (PipelineLib runs them as no-ops); defined stages
//! absent from `execution` are not nodes (they never run).
//!
//! The topological order is stable: among stages that are ready at the same time, the one
//! written first in `stages` comes first. A cycle is reported whole, with every edge.
//!
//! This module must not know about steps or variables; `setup` and `teardown` are not nodes
//! (setup is implicitly an ancestor of every stage).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};

use gantry_spec::pipeline::Pipeline;
use gantry_spec::yaml::Span;

#[derive(Debug, Clone)]
pub struct StageGraph {
    nodes: Vec<GraphNode>,
    index: HashMap<String, usize>,
    edges: Vec<Edge>,
    /// Per node: indices into `edges` of the edges leading into it, in insertion order.
    incoming: Vec<Vec<usize>>,
    /// Per node: indices into `edges` of the edges leaving it, in insertion order.
    outgoing: Vec<Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct GraphNode {
    pub name: String,
    /// Where the name was first written in `execution` (or the stage's name, by default).
    pub span: Span,
    /// Tie-break for the topological order: position in `stages`, then in `execution`.
    rank: usize,
}

/// `from` must finish before `to` starts.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// Where the edge was written: the `to` name in its arc.
    pub span: Span,
}

/// A cycle: node indices in order, and the edges between them (the last closes the cycle).
#[derive(Debug, Clone)]
pub struct Cycle {
    pub nodes: Vec<usize>,
    pub edges: Vec<Edge>,
}

impl StageGraph {
    pub fn of(pipeline: &Pipeline) -> StageGraph {
        let mut builder = GraphBuilder::new(pipeline);
        match &pipeline.execution {
            Some(arcs) => {
                for arc in arcs {
                    builder.add_arc(arc.stages.iter().map(|s| (s.value.as_str(), s.span)));
                }
            }
            None => builder.add_arc(pipeline.stages.iter().map(|s| (s.name.value.as_str(), s.name.span))),
        }
        builder.graph
    }

    pub fn nodes(&self) -> &[GraphNode] {
        &self.nodes
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn predecessors(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.incoming[node].iter().map(|&e| self.edges[e].from)
    }

    /// Kahn's algorithm with file order as the tie-break; every cycle if there is one.
    pub fn topological_order(&self) -> Result<Vec<usize>, Vec<Cycle>> {
        let mut in_degree: Vec<usize> = self.incoming.iter().map(Vec::len).collect();
        let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..self.nodes.len())
            .filter(|&n| in_degree[n] == 0)
            .map(|n| Reverse((self.nodes[n].rank, n)))
            .collect();
        let mut order = Vec::with_capacity(self.nodes.len());
        while let Some(Reverse((_, node))) = ready.pop() {
            order.push(node);
            for &edge in &self.outgoing[node] {
                let next = self.edges[edge].to;
                in_degree[next] -= 1;
                if in_degree[next] == 0 {
                    ready.push(Reverse((self.nodes[next].rank, next)));
                }
            }
        }
        if order.len() == self.nodes.len() {
            return Ok(order);
        }
        let blocked: Vec<bool> = in_degree.iter().map(|&d| d > 0).collect();
        Err(self.cycles_among(&blocked))
    }

    /// One cycle through each blocked node not yet on a reported cycle, in file order.
    fn cycles_among(&self, blocked: &[bool]) -> Vec<Cycle> {
        let mut on_reported_cycle = vec![false; self.nodes.len()];
        let mut candidates: Vec<usize> = (0..self.nodes.len()).filter(|&n| blocked[n]).collect();
        candidates.sort_by_key(|&n| self.nodes[n].rank);
        let mut cycles = Vec::new();
        for start in candidates {
            if on_reported_cycle[start] {
                continue;
            }
            if let Some(cycle) = self.shortest_cycle_through(start, blocked) {
                for &node in &cycle.nodes {
                    on_reported_cycle[node] = true;
                }
                cycles.push(cycle);
            }
        }
        cycles
    }

    /// Breadth-first search from `start` back to itself, through blocked nodes only.
    fn shortest_cycle_through(&self, start: usize, blocked: &[bool]) -> Option<Cycle> {
        let mut reached_by: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for &edge in &self.outgoing[node] {
                let next = self.edges[edge].to;
                if !blocked[next] || reached_by.contains_key(&next) {
                    continue;
                }
                reached_by.insert(next, edge);
                if next == start {
                    return Some(self.walk_back(start, &reached_by));
                }
                queue.push_back(next);
            }
        }
        None
    }

    fn walk_back(&self, start: usize, reached_by: &BTreeMap<usize, usize>) -> Cycle {
        let mut edges = Vec::new();
        let mut node = start;
        while let Some(&edge) = reached_by.get(&node) {
            edges.push(self.edges[edge]);
            node = self.edges[edge].from;
            if node == start || edges.len() > self.nodes.len() {
                break;
            }
        }
        edges.reverse();
        let nodes = edges.iter().map(|e| e.from).collect();
        Cycle { nodes, edges }
    }

    /// For each node, the set of its ancestors. `order` must be a topological order.
    pub fn ancestor_sets(&self, order: &[usize]) -> Vec<NodeSet> {
        let mut sets = vec![NodeSet::with_capacity(self.nodes.len()); self.nodes.len()];
        for &node in order {
            let mut ancestors = NodeSet::with_capacity(self.nodes.len());
            for parent in self.predecessors(node) {
                ancestors.insert(parent);
                ancestors.union_with(&sets[parent]);
            }
            sets[node] = ancestors;
        }
        sets
    }
}

struct GraphBuilder {
    /// Position in `stages` by name.
    file_order: HashMap<String, usize>,
    graph: StageGraph,
}

impl GraphBuilder {
    fn new(pipeline: &Pipeline) -> Self {
        let file_order = pipeline.stages.iter().enumerate().map(|(i, s)| (s.name.value.clone(), i)).collect();
        let graph = StageGraph { nodes: Vec::new(), index: HashMap::new(), edges: Vec::new(), incoming: Vec::new(), outgoing: Vec::new() };
        GraphBuilder { file_order, graph }
    }

    fn add_arc<'n>(&mut self, arc: impl Iterator<Item = (&'n str, Span)>) {
        let mut previous: Option<usize> = None;
        for (name, span) in arc {
            let node = self.node(name, span);
            if let Some(from) = previous {
                self.edge(from, node, span);
            }
            previous = Some(node);
        }
    }

    fn node(&mut self, name: &str, span: Span) -> usize {
        if let Some(index) = self.graph.index_of(name) {
            return index;
        }
        let rank = self.file_order.get(name).copied().unwrap_or(self.file_order.len() + self.graph.nodes.len());
        self.graph.index.insert(name.to_string(), self.graph.nodes.len());
        self.graph.nodes.push(GraphNode { name: name.to_string(), span, rank });
        self.graph.incoming.push(Vec::new());
        self.graph.outgoing.push(Vec::new());
        self.graph.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, span: Span) {
        let exists = self.graph.outgoing[from].iter().any(|&e| self.graph.edges[e].to == to);
        if exists {
            return;
        }
        self.graph.edges.push(Edge { from, to, span });
        let index = self.graph.edges.len() - 1;
        self.graph.outgoing[from].push(index);
        self.graph.incoming[to].push(index);
    }
}

/// A set of node indices as a bit set: ancestor sets of a 500-stage graph stay small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSet {
    words: Vec<u64>,
}

impl NodeSet {
    pub fn with_capacity(nodes: usize) -> NodeSet {
        NodeSet { words: vec![0; nodes.div_ceil(64)] }
    }

    pub fn insert(&mut self, node: usize) {
        if let Some(word) = self.words.get_mut(node / 64) {
            *word |= 1 << (node % 64);
        }
    }

    pub fn contains(&self, node: usize) -> bool {
        self.words.get(node / 64).is_some_and(|word| word & (1 << (node % 64)) != 0)
    }

    pub fn union_with(&mut self, other: &NodeSet) {
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word |= other;
        }
    }

    pub fn remove_all(&mut self, other: &NodeSet) {
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word &= !other;
        }
    }
}
