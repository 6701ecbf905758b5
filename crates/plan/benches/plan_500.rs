//! Planning a 500-stage synthetic pipeline (target: under 50 ms), against a baseline run in
//! the same invocation: decoding the same `config.yaml` (YAML parse + typed decode) alone.
//!
//! `cargo bench -p gantry-plan --bench plan_500`
//!
//! The graph has 50 layers of 10 stages; every stage after the first layer waits for two
//! stages of the layer before (900 execution arcs), builds, runs its parent's image with
//! arguments that read both parents' values and `setup`, and every tenth stage publishes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gantry_plan::{PlanRequest, plan};

const LAYERS: usize = 50;
const WIDTH: usize = 10;
const ROUNDS: usize = 30;

fn stage_name(layer: usize, index: usize) -> String {
    format!("s{layer:02}-{index}")
}

fn parents(layer: usize, index: usize) -> [String; 2] {
    [stage_name(layer - 1, index), stage_name(layer - 1, (index + 1) % WIDTH)]
}

fn synthetic_config() -> String {
    let mut yaml = String::from("pipelines:\n  big:\n    blubberfile: blubber.yaml\n    stages:\n");
    for layer in 0..LAYERS {
        for index in 0..WIDTH {
            yaml.push_str(&stage_yaml(layer, index));
        }
    }
    yaml.push_str("    execution:\n");
    for layer in 1..LAYERS {
        for index in 0..WIDTH {
            for parent in parents(layer, index) {
                yaml.push_str(&format!("      - [{parent}, {}]\n", stage_name(layer, index)));
            }
        }
    }
    yaml
}

fn stage_yaml(layer: usize, index: usize) -> String {
    let name = stage_name(layer, index);
    let mut yaml = format!("      - name: {name}\n        build: variant-{index}\n");
    if layer > 0 {
        let [a, b] = parents(layer, index);
        yaml.push_str(&format!(
            "        run:\n          image: '${{{a}.imageID}}'\n          arguments: ['${{{b}.imageID}}', '${{setup.pipeline}}-${{.stage}}', '${{{a}.output|none}}']\n          env:\n            FROM: '${{{b}.stage}}'\n"
        ));
    }
    if index == 0 {
        yaml.push_str("        publish:\n          image:\n            tags: [latest, '${setup.tag}']\n");
    }
    yaml
}

/// The median of `ROUNDS` timings of `work`, after one warm-up run.
fn median(mut work: impl FnMut()) -> Duration {
    work();
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[ROUNDS / 2]
}

fn main() {
    let text = synthetic_config();
    let file: Arc<str> = "config.yaml".into();
    let request = PlanRequest::everything();
    let decoded = match gantry_spec::pipeline::parse(&file, &text) {
        Ok(decoded) => decoded,
        Err(diagnostics) => {
            eprintln!("synthetic config does not decode: {diagnostics:?}");
            std::process::exit(1);
        }
    };
    match plan(&decoded, &request) {
        Ok(planned) => assert_eq!(planned.pipelines[0].stages.len(), LAYERS * WIDTH),
        Err(diagnostics) => {
            eprintln!("synthetic config does not plan: {diagnostics:?}");
            std::process::exit(1);
        }
    }
    let decode = median(|| {
        std::hint::black_box(gantry_spec::pipeline::parse(&file, &text).ok());
    });
    let planning = median(|| {
        std::hint::black_box(plan(&decoded, &request).ok());
    });
    let both = median(|| {
        let decoded = gantry_spec::pipeline::parse(&file, &text).ok();
        std::hint::black_box(decoded.map(|d| plan(&d, &request).ok()));
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("500-stage synthetic pipeline ({} bytes of YAML, 900 execution arcs), median of {ROUNDS}:", text.len());
    println!("  decode config.yaml (baseline)  {:8.2} ms", ms(decode));
    println!("  plan (graph, variables, steps) {:8.2} ms  = {:.2}x decode", ms(planning), ms(planning) / ms(decode));
    println!("  decode + plan                  {:8.2} ms  = {:.2}x decode (target < 50 ms)", ms(both), ms(both) / ms(decode));
}
