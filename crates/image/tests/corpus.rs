//! Blubber v0.23.0's output for every file of the shared corpus, compared byte for byte.
//!
//! Data: `shared/corpus/` (the specs), `shared/corpus-expected/INDEX.tsv` and its outputs
//! (`<file>/<variant>.Dockerfile` or `.error`), and `corpus-exceptions.tsv` beside this file:
//! the intended differences (listed in docs/compatibility.md too). An exception whose gantry
//! outcome is `compiles` is snapshotted with insta instead.
//!
//! `shared/` is found beside the repository (`<repo>/../shared`) or at `GANTRY_SHARED_DIR`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry_image::{CompileOptions, compile};
use gantry_spec::blubber::parse;

const VERSION: &str = "gantry-corpus-test";

struct Expectation {
    file: String,
    variant: String,
    ok: bool,
}

struct Exception {
    gantry: String,
    reason: String,
}

#[test]
fn corpus_matches_blubber_v0_23() {
    let shared = shared_dir();
    let index = std::fs::read_to_string(shared.join("corpus-expected/INDEX.tsv"))
        .unwrap_or_else(|e| panic!("cannot read {}/corpus-expected/INDEX.tsv: {e}", shared.display()));
    let exceptions = read_exceptions();
    let mut used_exceptions = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let (mut identical, mut failed_as_expected, mut snapshots, mut total_ok) = (0, 0, 0, 0);

    for expectation in index.lines().skip(1).filter_map(parse_index_line) {
        let key = (expectation.file.clone(), expectation.variant.clone());
        let outcome = compile_corpus_file(&shared, &expectation);
        if expectation.ok {
            total_ok += 1;
        }
        if let Some(exception) = exceptions.get(&key) {
            used_exceptions.push(key.clone());
            match (exception.gantry.as_str(), outcome) {
                ("compiles", Ok(text)) => {
                    insta::assert_snapshot!(snapshot_name(&key), text, &exception.reason);
                    snapshots += 1;
                }
                ("fails", Err(_)) => failed_as_expected += 1,
                (wanted, Ok(_)) => failures.push(format!("{} {}: exception says gantry {wanted}, but it compiles", key.0, key.1)),
                (wanted, Err(e)) => failures.push(format!("{} {}: exception says gantry {wanted}, but it fails:\n{e}", key.0, key.1)),
            }
            continue;
        }
        match (expectation.ok, outcome) {
            (true, Ok(actual)) => {
                let expected = expected_dockerfile(&shared, &expectation);
                if actual == expected {
                    identical += 1;
                } else {
                    failures.push(format!("{} {}: output differs\n{}", key.0, key.1, first_difference(&expected, &actual)));
                }
            }
            (true, Err(errors)) => failures.push(format!("{} {}: Blubber compiles it, gantry fails:\n{errors}", key.0, key.1)),
            (false, Err(_)) => failed_as_expected += 1,
            (false, Ok(_)) => failures.push(format!("{} {}: Blubber fails, gantry compiles it", key.0, key.1)),
        }
    }
    for key in exceptions.keys().filter(|k| !used_exceptions.contains(k)) {
        failures.push(format!("{} {}: exception matches no corpus entry", key.0, key.1));
    }

    println!(
        "corpus: {identical}/{total_ok} Dockerfiles byte-identical, {failed_as_expected} failures as expected, {snapshots} snapshots of intended differences, {} mismatches",
        failures.len()
    );
    assert!(failures.is_empty(), "{} corpus mismatches:\n\n{}", failures.len(), failures.join("\n\n"));
}

fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GANTRY_SHARED_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn parse_index_line(line: &str) -> Option<Expectation> {
    let mut fields = line.split('\t');
    let (file, variant, outcome) = (fields.next()?, fields.next()?, fields.next()?);
    Some(Expectation { file: file.to_owned(), variant: variant.to_owned(), ok: outcome == "ok" })
}

fn read_exceptions() -> BTreeMap<(String, String), Exception> {
    let text = include_str!("corpus-exceptions.tsv");
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [file, variant, gantry, reason] = fields.as_slice() else {
                panic!("corpus-exceptions.tsv: expected 4 tab-separated fields in {line:?}");
            };
            ((file.to_string(), variant.to_string()), Exception { gantry: gantry.to_string(), reason: reason.to_string() })
        })
        .collect()
}

/// gantry's Dockerfile for one corpus entry, or its diagnostics as text.
fn compile_corpus_file(shared: &Path, expectation: &Expectation) -> Result<String, String> {
    let path = shared.join("corpus").join(&expectation.file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // Blubber was run with the file's bare saved name, from its directory.
    let name: Arc<str> = Path::new(&expectation.file).file_name().map(|n| n.to_string_lossy().into()).unwrap_or_default();
    let render = |diagnostics: Vec<gantry_spec::Diagnostic>| {
        diagnostics.iter().map(|d| format!("  {}:{}:{}: {}", d.file, d.span.start.line, d.span.start.column, d.message)).collect::<Vec<_>>().join("\n")
    };
    let mut file = parse(&name, &text).map_err(render)?;
    file.path = name;
    let options = CompileOptions { version: VERSION.to_owned(), ..CompileOptions::default() };
    compile(&file, &expectation.variant, &options).map(|d| d.to_string()).map_err(render)
}

/// The expected Dockerfile with the label's version replaced by the test's.
fn expected_dockerfile(shared: &Path, expectation: &Expectation) -> String {
    let stem = expectation.file.strip_suffix(".yaml").unwrap_or(&expectation.file);
    let path = shared.join("corpus-expected").join(stem).join(format!("{}.Dockerfile", expectation.variant));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let marker = " blubber.version=\"";
    match text.rfind(marker) {
        Some(start) => format!("{}{marker}{VERSION}\"\n", &text[..start]),
        None => text,
    }
}

fn snapshot_name((file, variant): &(String, String)) -> String {
    format!("{}__{variant}", file.replace(['/', '.'], "_"))
}

/// The first differing line with a little context, as a small unified-style excerpt.
fn first_difference(expected: &str, actual: &str) -> String {
    let (expected, actual): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = (0..expected.len().max(actual.len())).find(|&i| expected.get(i) != actual.get(i)).unwrap_or(0);
    let start = first.saturating_sub(2);
    let mut out = format!("  @@ line {} @@\n", first + 1);
    for line in expected.iter().skip(start).take(first - start) {
        out.push_str(&format!("   {line}\n"));
    }
    for line in expected.iter().skip(first).take(4) {
        out.push_str(&format!("  -{line}\n"));
    }
    for line in actual.iter().skip(first).take(4) {
        out.push_str(&format!("  +{line}\n"));
    }
    out
}
