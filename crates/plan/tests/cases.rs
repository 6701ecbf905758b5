//! Tests as data: each `cases/*.yaml` is a `config.yaml` whose header comments give the
//! request (`# args:`, `# setup:`); the snapshot is what `gantry plan` would print, or every
//! diagnostic. Adding a case is adding a file.

mod harness;

use gantry_plan::{GraphFormat, render_graph, render_list};

#[test]
fn cases() {
    insta::glob!("cases/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let request = harness::request_from_header(&text);
        let result = harness::plan_text(&name, &text, &request);
        let mut snapshot = harness::outcome(&result);
        if let Ok(plan) = &result {
            snapshot.push_str("\n--- gantry list\n");
            snapshot.push_str(&render_list(plan));
            snapshot.push_str("\n--- gantry graph --format mermaid\n");
            snapshot.push_str(&render_graph(plan, GraphFormat::Mermaid));
        }
        insta::assert_snapshot!(snapshot);
    });
}
