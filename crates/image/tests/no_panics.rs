//! No input makes decoding or compiling a Blubber file panic: every corpus file and fixture,
//! cut short at every line and with each line left out, and with every scalar replaced by
//! awkward values, decodes and compiles every variant it names to a Dockerfile or to
//! diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry_image::{CompileOptions, ImageMap, compile};

fn shared_dir() -> PathBuf {
    std::env::var_os("GANTRY_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Blubber files of the corpus (a `blubber` in the name) and the test fixtures.
fn inputs() -> Vec<String> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let corpus = shared_dir().join("corpus");
    for repo in std::fs::read_dir(&corpus).expect("the shared corpus is beside the repository").flatten() {
        for file in std::fs::read_dir(repo.path()).into_iter().flatten().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yaml") && !name.ends_with("config.yaml") {
                paths.push(file.path());
            }
        }
    }
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
}

/// Truncations at every line, each line left out, and awkward scalar values.
fn mutants(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut mutants = Vec::new();
    for end in 0..lines.len() {
        mutants.push(lines[..end].join("\n"));
        let kept: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != end).map(|(_, l)| *l).collect();
        mutants.push(kept.join("\n"));
    }
    for awkward in ["", "~", "[]", "{}", "%s %d 100%", "py3", "\"a\\nb\"", "0", "-1", "yes", "../..", "/"] {
        let replaced: Vec<String> = lines
            .iter()
            .map(|line| match line.split_once(": ") {
                Some((key, _)) if !line.trim_start().starts_with('#') => format!("{key}: {awkward}"),
                _ => line.to_string(),
            })
            .collect();
        mutants.push(replaced.join("\n"));
    }
    mutants
}

fn exercise(text: &str, options: &[CompileOptions]) {
    let name: Arc<str> = "mutant.yaml".into();
    let Ok(file) = gantry_spec::blubber::parse(&name, text) else { return };
    let mut variants: Vec<String> = file.variants.iter().map(|v| v.name.value.clone()).collect();
    variants.push("no-such-variant".into());
    for variant in &variants {
        for options in options {
            if let Ok(dockerfile) = compile(&file, variant, options) {
                let _ = dockerfile.to_string();
            }
        }
    }
}

#[test]
fn mutated_corpus_files_do_not_panic() {
    let build_options = CompileOptions {
        images: ImageMap::default().with_prefix("docker-registry.wikimedia.org/", "gantry.local/"),
        ca_bundle_image: Some("gantry.local/ca-bundle:0123456789ab".into()),
        ..CompileOptions::default()
    };
    let options = [CompileOptions::default(), build_options];
    let inputs = inputs();
    assert!(inputs.len() > 50, "expected the shared corpus, found {} files", inputs.len());
    for text in &inputs {
        for mutant in mutants(text) {
            exercise(&mutant, &options);
        }
    }
}
