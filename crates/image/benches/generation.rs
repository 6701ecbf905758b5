//! Dockerfile generation over the whole shared corpus, in-process.
//!
//! Measures, per variant, `parse + compile` (what `gantry image dockerfile` does after reading
//! the file) and `compile` alone (the file decoded once, as `gantry image check` and
//! `gantry run` do), against a baseline measured in the same run: parsing the YAML text into
//! gantry's spanned tree alone (also shown through saphyr-parser alone, without the
//! block-subset reader in front). Run with `cargo bench -p gantry-image --bench generation`; the numbers
//! go to docs/benchmarks.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gantry_image::{CompileOptions, compile};

// The same allocator as the gantry binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Case {
    name: Arc<str>,
    text: String,
    variants: Vec<String>,
}

fn corpus() -> Vec<Case> {
    let shared = std::env::var_os("GANTRY_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let index = std::fs::read_to_string(shared.join("corpus-expected/INDEX.tsv")).expect("INDEX.tsv of the shared corpus");
    let mut cases: Vec<Case> = Vec::new();
    for line in index.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let (file, variant, outcome) = (columns[0], columns[1], columns[2]);
        if outcome != "ok" {
            continue;
        }
        match cases.iter_mut().find(|c| &*c.name == file) {
            Some(case) => case.variants.push(variant.to_string()),
            None => cases.push(Case {
                name: file.into(),
                text: std::fs::read_to_string(shared.join("corpus").join(file)).expect("corpus file"),
                variants: vec![variant.to_string()],
            }),
        }
    }
    cases
}

/// Runs `work` over the corpus until at least `budget` has passed; returns time per unit.
fn measure(budget: Duration, units_per_round: usize, mut work: impl FnMut()) -> Duration {
    work(); // warm-up
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed() < budget {
        work();
        rounds += 1;
    }
    start.elapsed() / (rounds * units_per_round as u32)
}

fn main() {
    let cases = corpus();
    let variants: usize = cases.iter().map(|c| c.variants.len()).sum();
    let options = CompileOptions::default();
    let budget = Duration::from_secs(3);

    // Baseline: YAML text -> spanned tree, once per variant (as each `gantry image dockerfile` does).
    let baseline = measure(budget, variants, || {
        for case in &cases {
            for _ in &case.variants {
                black_box(gantry_spec::yaml::parse(black_box(&case.text)).expect("corpus YAML parses"));
            }
        }
    });
    // The same through saphyr-parser's events alone, for the files the block-subset reader
    // reads too (gantry's YAML path before that reader existed).
    let saphyr_only = measure(budget, variants, || {
        for case in &cases {
            for _ in &case.variants {
                black_box(gantry_spec::yaml::parse_with_saphyr(black_box(&case.text)).expect("corpus YAML parses"));
            }
        }
    });
    // The real work: parse, decode, expand and compile each variant.
    let generation = measure(budget, variants, || {
        for case in &cases {
            for variant in &case.variants {
                let file = gantry_spec::blubber::parse(&case.name, black_box(&case.text)).expect("corpus file decodes");
                black_box(compile(&file, variant, &options).expect("variant compiles").to_string());
            }
        }
    });
    // Compiling from an already decoded file, as `gantry image check` and `gantry run` do
    // for every variant of a file they read once.
    let decoded: Vec<_> = cases
        .iter()
        .map(|case| gantry_spec::blubber::parse(&case.name, &case.text).expect("corpus file decodes"))
        .collect();
    let compile_only = measure(budget, variants, || {
        for (case, file) in cases.iter().zip(&decoded) {
            for variant in &case.variants {
                black_box(compile(black_box(file), variant, &options).expect("variant compiles").to_string());
            }
        }
    });
    println!("corpus: {} files, {variants} variants", cases.len());
    println!("baseline (YAML parse only): {:>8.1} µs per variant", baseline.as_secs_f64() * 1e6);
    println!("YAML parse, saphyr alone:   {:>8.1} µs per variant", saphyr_only.as_secs_f64() * 1e6);
    println!("parse + compile:            {:>8.1} µs per variant", generation.as_secs_f64() * 1e6);
    println!("compile only (file decoded): {:>7.1} µs per variant", compile_only.as_secs_f64() * 1e6);
    println!("ratio (parse + compile / YAML parse): {:.2}", generation.as_secs_f64() / baseline.as_secs_f64());
}
