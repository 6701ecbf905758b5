//! [`compare`]: two runs' facts to a [`RunDiff`] — every input and circumstance that differs,
//! the results that changed, and the [`Verdict`].
//!
//! Differences that touch a stage whose result changed (or a stage it needs, or the whole
//! run) come first, then by [`DifferenceKind`]. This module must not print: [`RunDiff::render`]
//! words the result.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{Difference, DifferenceKind, RunFacts, StageFacts};

/// A stage whose status differs between the runs, or the run's outcome (`stage: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultChange {
    pub stage: Option<String>,
    pub before: String,
    pub after: String,
    /// Why it did not succeed in the second run, if it did not.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The results are the same.
    SameResult,
    /// The results differ and so do inputs; the first difference is the likeliest cause.
    Explained,
    /// The results differ although every recorded input is the same.
    Flaky,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDiff {
    pub before: String,
    pub after: String,
    pub results: Vec<ResultChange>,
    /// Most likely cause first.
    pub differences: Vec<Difference>,
    pub verdict: Verdict,
}

/// Compares run `a` (before) with run `b` (after).
pub fn compare(a: &RunFacts, b: &RunFacts) -> RunDiff {
    let results = result_changes(a, b);
    let mut differences = run_differences(a, b);
    differences.extend(stage_differences(a, b));
    differences.extend(order_difference(a, b));
    let relevant = relevant_stages(b, &results);
    differences.sort_by_key(|d| (relevance(d, &results, &relevant), d.kind, d.stage.clone(), d.what.clone()));
    let verdict = match (results.is_empty(), differences.iter().any(|d| d.kind.is_input())) {
        (true, _) => Verdict::SameResult,
        (false, true) => Verdict::Explained,
        (false, false) => Verdict::Flaky,
    };
    RunDiff { before: a.run_id.clone(), after: b.run_id.clone(), results, differences, verdict }
}

fn result_changes(a: &RunFacts, b: &RunFacts) -> Vec<ResultChange> {
    let mut changes = Vec::new();
    if a.outcome != b.outcome {
        changes.push(ResultChange { stage: None, before: a.outcome.clone(), after: b.outcome.clone(), reason: None });
    }
    let before = stages_by_name(a);
    for stage in &b.stages {
        if let Some(old) = before.get(&stage.name())
            && old.status != stage.status
        {
            let reason = stage.reason.clone().or_else(|| old.reason.clone());
            changes.push(ResultChange { stage: Some(stage.name()), before: old.status.clone(), after: stage.status.clone(), reason });
        }
    }
    changes
}

fn stages_by_name(run: &RunFacts) -> BTreeMap<String, &StageFacts> {
    run.stages.iter().map(|s| (s.name(), s)).collect()
}

fn run_differences(a: &RunFacts, b: &RunFacts) -> Vec<Difference> {
    let (x, y) = (&a.inputs, &b.inputs);
    let mut found = Vec::new();
    if x.commit != y.commit {
        found.push(Difference::new(DifferenceKind::Source, None, "commit", x.commit.clone(), y.commit.clone()));
    }
    map_differences(&mut found, DifferenceKind::Source, None, "changed file ", &x.changed_files, &y.changed_files);
    map_differences(&mut found, DifferenceKind::Spec, None, "", &x.specs, &y.specs);
    map_differences(&mut found, DifferenceKind::Environment, None, "env ", &x.environment, &y.environment);
    map_differences(&mut found, DifferenceKind::Engine, None, "engine ", &x.engine, &y.engine);
    if x.gantry_version != y.gantry_version {
        let (before, after) = (Some(x.gantry_version.clone()), Some(y.gantry_version.clone()));
        found.push(Difference::new(DifferenceKind::GantryVersion, None, "gantry", before, after));
    }
    map_differences(&mut found, DifferenceKind::Limits, None, "", &x.limits, &y.limits);
    found
}

fn stage_differences(a: &RunFacts, b: &RunFacts) -> Vec<Difference> {
    let before = stages_by_name(a);
    let after = stages_by_name(b);
    let mut found = Vec::new();
    for name in before.keys().chain(after.keys()).collect::<BTreeSet<_>>() {
        match (before.get(name), after.get(name)) {
            (Some(x), Some(y)) => found.extend(one_stage(x, y)),
            (x, _) => {
                let (was, is) = match x {
                    Some(_) => (Some("planned".to_owned()), None),
                    None => (None, Some("planned".to_owned())),
                };
                found.push(Difference::new(DifferenceKind::Spec, Some(name.clone()), "stage", was, is));
            }
        }
    }
    found
}

fn one_stage(x: &StageFacts, y: &StageFacts) -> Vec<Difference> {
    let stage = Some(x.name());
    let mut found = Vec::new();
    map_differences(&mut found, DifferenceKind::BaseImage, stage.clone(), "", &x.base_images, &y.base_images);
    map_differences(&mut found, DifferenceKind::Environment, stage.clone(), "env ", &x.env, &y.env);
    if x.arguments != y.arguments {
        let (before, after) = (Some(x.arguments.join(" ")), Some(y.arguments.join(" ")));
        found.push(Difference::new(DifferenceKind::Arguments, stage.clone(), "arguments", before, after));
    }
    if x.cached != y.cached {
        let how = |cached: bool| Some(if cached { "reused from the cache" } else { "executed" }.to_owned());
        found.push(Difference::new(DifferenceKind::CacheUse, stage.clone(), "execution", how(x.cached), how(y.cached)));
    } else if x.cache_key != y.cache_key && x.cache_key.is_some() && y.cache_key.is_some() {
        found.push(Difference::new(DifferenceKind::CacheUse, stage.clone(), "cache key", x.cache_key.clone(), y.cache_key.clone()));
    }
    if much_longer(x.duration_ms, y.duration_ms) {
        let seconds = |ms: u64| Some(format!("{:.1}s", ms as f64 / 1000.0));
        found.push(Difference::new(DifferenceKind::Timing, stage, "duration", seconds(x.duration_ms), seconds(y.duration_ms)));
    }
    found
}

/// At least a second and half as long again: shorter differences are noise.
fn much_longer(a: u64, b: u64) -> bool {
    let (short, long) = (a.min(b), a.max(b));
    long - short >= 1000 && long * 2 >= short * 3
}

/// Every key whose value differs, with `prefix` before the key in `what`.
fn map_differences(
    found: &mut Vec<Difference>,
    kind: DifferenceKind,
    stage: Option<String>,
    prefix: &str,
    x: &BTreeMap<String, String>,
    y: &BTreeMap<String, String>,
) {
    for key in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
        let (before, after) = (x.get(key), y.get(key));
        if before != after {
            found.push(Difference::new(kind, stage.clone(), format!("{prefix}{key}"), before.cloned(), after.cloned()));
        }
    }
}

fn order_difference(a: &RunFacts, b: &RunFacts) -> Option<Difference> {
    let started = |run: &RunFacts| -> Vec<String> {
        run.stages.iter().filter(|s| s.status != "skipped").map(StageFacts::name).collect()
    };
    let (x, y) = (started(a), started(b));
    let common: BTreeSet<&String> = x.iter().filter(|n| y.contains(n)).collect();
    let keep = |names: &[String]| names.iter().filter(|n| common.contains(n)).cloned().collect::<Vec<_>>().join(", ");
    let (before, after) = (keep(&x), keep(&y));
    (before != after).then(|| Difference::new(DifferenceKind::Order, None, "started", Some(before), Some(after)))
}

/// Stages whose result changed, and every stage they need, directly or not.
fn relevant_stages(run: &RunFacts, results: &[ResultChange]) -> BTreeSet<String> {
    let by_name = stages_by_name(run);
    let mut relevant = BTreeSet::new();
    let mut pending: Vec<String> = results.iter().filter_map(|r| r.stage.clone()).collect();
    while let Some(name) = pending.pop() {
        if !relevant.insert(name.clone()) {
            continue;
        }
        if let Some(stage) = by_name.get(&name) {
            pending.extend(stage.needs.iter().map(|need| format!("{}/{need}", stage.pipeline)));
        }
    }
    relevant
}

/// 0: touches a stage whose result changed, or the whole run; 1: a stage those need;
/// 2: anything else (only when some result changed).
fn relevance(difference: &Difference, results: &[ResultChange], relevant: &BTreeSet<String>) -> u8 {
    let Some(stage) = &difference.stage else { return 0 };
    if results.iter().any(|r| r.stage.as_ref() == Some(stage)) || relevant.is_empty() {
        0
    } else if relevant.contains(stage) {
        1
    } else {
        2
    }
}

impl RunDiff {
    /// The comparison in words, for `gantry diff`.
    pub fn render(&self) -> String {
        let mut text = format!("comparing run {} with run {}\n", self.before, self.after);
        for change in &self.results {
            let place = change.stage.as_deref().unwrap_or("the run");
            let reason = change.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
            text.push_str(&format!("result: {place}: {} → {}{reason}\n", change.before, change.after));
        }
        text.push_str(match self.verdict {
            Verdict::SameResult => "the results are the same\n",
            Verdict::Explained => "the results differ; the differences below are ordered most likely cause first\n",
            Verdict::Flaky => {
                "FLAKY: every recorded input is the same, yet the results differ \
                 (secret values are never recorded: a changed credential looks like this too)\n"
            }
        });
        if self.differences.is_empty() {
            text.push_str("no differences in inputs, order or timing\n");
        }
        for (number, difference) in self.differences.iter().enumerate() {
            text.push_str(&format!("{:>3}. {}\n", number + 1, difference.describe()));
        }
        text
    }
}
