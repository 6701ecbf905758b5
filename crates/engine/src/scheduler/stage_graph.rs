//! [`StageGraph`]: the stages of one pipeline as indices — who waits for whom, and each
//! stage's ancestors (whose values it may read).
//!
//! This module must not schedule anything; it answers questions about the graph. A `needs`
//! name that is not in the graph is kept as unknown, so its stage never becomes ready.

use std::collections::{BTreeSet, HashMap};

pub(super) struct StageGraph {
    /// Per stage: how many of its needs are in the graph, or `None` if one is not.
    needs: Vec<Option<usize>>,
    dependents: Vec<Vec<usize>>,
    ancestors: Vec<BTreeSet<usize>>,
}

impl StageGraph {
    /// The graph of stages named `names` (in plan order) with their `needs`.
    pub fn new<'a>(stages: impl ExactSizeIterator<Item = (&'a str, &'a [String])> + Clone) -> Self {
        let index: HashMap<&str, usize> = stages
            .clone()
            .enumerate()
            .map(|(i, (name, _))| (name, i))
            .collect();
        let count = stages.len();
        let mut graph = StageGraph {
            needs: vec![Some(0); count],
            dependents: vec![Vec::new(); count],
            ancestors: vec![BTreeSet::new(); count],
        };
        for (stage, (_, needs)) in stages.enumerate() {
            for need in needs {
                match index.get(need.as_str()) {
                    Some(&parent) => {
                        graph.dependents[parent].push(stage);
                        graph.needs[stage] = graph.needs[stage].map(|n| n + 1);
                    }
                    None => graph.needs[stage] = None,
                }
            }
        }
        graph.collect_ancestors();
        graph
    }

    /// Ancestors in dependency order: a stage's parents' ancestors are complete before its
    /// own are computed, whatever order the stages came in.
    fn collect_ancestors(&mut self) {
        let mut waiting: Vec<usize> = self.needs.iter().map(|n| n.unwrap_or(usize::MAX)).collect();
        let mut ready: Vec<usize> = (0..waiting.len()).filter(|&i| waiting[i] == 0).collect();
        while let Some(parent) = ready.pop() {
            let mut inherited = self.ancestors[parent].clone();
            inherited.insert(parent);
            for &child in &self.dependents[parent] {
                self.ancestors[child].extend(&inherited);
                waiting[child] = waiting[child].saturating_sub(1);
                if waiting[child] == 0 {
                    ready.push(child);
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.needs.len()
    }

    /// How many predecessors `stage` waits for; `None` if it waits for a stage not in the graph.
    pub fn needs_count(&self, stage: usize) -> Option<usize> {
        self.needs[stage]
    }

    pub fn dependents(&self, stage: usize) -> &[usize] {
        &self.dependents[stage]
    }

    pub fn ancestors(&self, stage: usize) -> &BTreeSet<usize> {
        &self.ancestors[stage]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(stages: &[(&str, &[&str])]) -> StageGraph {
        let owned: Vec<(String, Vec<String>)> = stages
            .iter()
            .map(|(n, needs)| (n.to_string(), needs.iter().map(|s| s.to_string()).collect()))
            .collect();
        StageGraph::new(
            owned
                .iter()
                .map(|(n, needs)| (n.as_str(), needs.as_slice())),
        )
    }

    #[test]
    fn ancestors_are_transitive_and_unknown_needs_block() {
        let g = graph(&[
            ("a", &[]),
            ("b", &["a"]),
            ("c", &["b"]),
            ("d", &["a", "ghost"]),
        ]);
        assert_eq!(g.ancestors(2).iter().copied().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(g.needs_count(1), Some(1));
        assert_eq!(g.needs_count(3), None);
        assert_eq!(g.dependents(0), [1, 3]);
    }
}
