//! Conformance: every `config.yaml` in the shared corpus plans (and the Blubber files it
//! builds from exist), or fails with the error the spec predicts, as listed in
//! `corpus-expected-failures.tsv` (file, message fragment, reason). The `gantry plan` text
//! (or the diagnostics) of every config is snapshotted, followed by what `gantry check`
//! says of its Blubber references (variants, readable YAML). That part is recorded, not
//! asserted: the corpus took each file at its own commit (MANIFEST.tsv), so a config and its
//! Blubber file can disagree on variant names without either being wrong.
//!
//! The corpus is `<repo>/../shared/corpus`, or `$GANTRY_SHARED_DIR/corpus`.

mod harness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gantry_plan::{BlubberFileState, BlubberSources, PlanRequest, check_blubber_references};

const CORPUS_CONFIGS: usize = 48;

struct ExpectedFailure {
    fragment: String,
    reason: String,
}

fn shared_dir() -> PathBuf {
    match std::env::var_os("GANTRY_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

fn expected_failures() -> BTreeMap<String, ExpectedFailure> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-expected-failures.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            assert_eq!(columns.len(), 3, "corpus-expected-failures.tsv: want file, fragment, reason: {line:?}");
            (columns[0].to_string(), ExpectedFailure { fragment: columns[1].to_string(), reason: columns[2].to_string() })
        })
        .collect()
}

/// `<repo>/.pipeline__config.yaml` for every repo of the corpus, sorted.
fn corpus_configs(corpus: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(corpus).unwrap_or_else(|e| {
        panic!("{}: {e} (set GANTRY_SHARED_DIR to the folder holding corpus/)", corpus.display())
    });
    let mut configs: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| format!("{}/.pipeline__config.yaml", entry.file_name().to_string_lossy()))
        .filter(|config| corpus.join(config).is_file())
        .collect();
    configs.sort();
    configs
}

/// The Blubber files a plan reads, from the corpus (`.pipeline/a/b.yaml` is saved as
/// `.pipeline__a__b.yaml` in the repo's folder); `load` says whether to read them.
fn blubber_sources(repo_dir: &Path, paths: &[String], load: bool) -> BlubberSources {
    paths
        .iter()
        .map(|path| {
            let saved = repo_dir.join(path.replace('/', "__"));
            let state = match std::fs::read_to_string(saved) {
                Err(_) => BlubberFileState::Missing,
                Ok(_) if !load => BlubberFileState::Exists,
                Ok(text) => BlubberFileState::Loaded(text),
            };
            (path.clone(), state)
        })
        .collect()
}

/// The plan text (or every diagnostic, config.yaml's and missing Blubber files'), whether it
/// planned, and what a full check of the Blubber references adds.
fn outcome(corpus: &Path, config: &str) -> (String, bool, String) {
    let text = std::fs::read_to_string(corpus.join(config)).unwrap_or_default();
    let result = harness::plan_text(config, &text, &PlanRequest::everything());
    let Ok(plan) = &result else {
        return (harness::outcome(&result), false, String::new());
    };
    let repo_dir = corpus.join(config).parent().map(Path::to_path_buf).unwrap_or_default();
    let paths = plan.blubber_paths();
    let missing = check_blubber_references(plan, &blubber_sources(&repo_dir, &paths, false));
    if !missing.is_empty() {
        return (harness::render_diagnostics(&missing), false, String::new());
    }
    let checked = check_blubber_references(plan, &blubber_sources(&repo_dir, &paths, true));
    let check = if checked.is_empty() { "ok\n".to_string() } else { harness::render_diagnostics(&checked) };
    (harness::outcome(&result), true, check)
}

#[test]
fn every_corpus_config_plans_or_fails_as_the_spec_predicts() {
    let corpus = shared_dir().join("corpus");
    let expected = expected_failures();
    let configs = corpus_configs(&corpus);
    assert_eq!(configs.len(), CORPUS_CONFIGS, "config.yaml files in {}", corpus.display());
    let mut mismatches = Vec::new();
    let mut planned = 0;
    for config in &configs {
        let (text, ok, check) = outcome(&corpus, config);
        let repo = config.split('/').next().unwrap_or(config);
        let snapshot = if ok { format!("{text}\n--- Blubber references (recorded, not asserted)\n{check}") } else { text.clone() };
        insta::assert_snapshot!(repo, snapshot);
        match (ok, expected.get(config)) {
            (true, None) => planned += 1,
            (false, Some(failure)) if text.contains(&failure.fragment) => {}
            (true, Some(failure)) => mismatches.push(format!("{config}: planned, but the spec predicts {:?} ({})", failure.fragment, failure.reason)),
            (false, Some(failure)) => mismatches.push(format!("{config}: failed without {:?}:\n{text}", failure.fragment)),
            (false, None) => mismatches.push(format!("{config}: failed unexpectedly:\n{text}")),
        }
    }
    for listed in expected.keys().filter(|listed| !configs.contains(listed)) {
        mismatches.push(format!("{listed}: listed in corpus-expected-failures.tsv but not in the corpus"));
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(planned + expected.len(), CORPUS_CONFIGS);
}
