//! No input makes decoding or planning panic: every case file and corpus config, cut short
//! at every character and with each line left out, decodes and plans to a plan or to
//! diagnostics.

mod harness;

use std::path::Path;

use gantry_plan::{GraphFormat, PlanRequest, render_graph, render_list};

fn exercise(text: &str) {
    let request = PlanRequest { stages: vec!["test".into()], skip: vec!["build".into()], ..PlanRequest::default() };
    for request in [PlanRequest::everything(), request] {
        if let Ok(plan) = harness::plan_text("mutant.yaml", text, &request) {
            let _ = (render_list(&plan), render_graph(&plan, GraphFormat::Dot), harness::outcome(&Ok(plan)));
        }
    }
}

fn mutants(text: &str) -> Vec<String> {
    let mut mutants: Vec<String> = text.char_indices().map(|(i, _)| text[..i].to_string()).collect();
    let lines: Vec<&str> = text.lines().collect();
    for skipped in 0..lines.len() {
        let kept: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != skipped).map(|(_, l)| *l).collect();
        mutants.push(kept.join("\n"));
    }
    mutants
}

#[test]
fn truncated_and_line_dropped_inputs_do_not_panic() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&cases).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", cases.display());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for mutant in mutants(&text) {
            exercise(&mutant);
        }
    }
}
