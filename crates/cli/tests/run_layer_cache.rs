//! `gantry run --cache-registry URL [--cache-push]` shares image layers beside the stage
//! results, on the real engine and registry: CI's run pushes each built variant to
//! `URL/layers/<project>:<variant>` with inline cache metadata; a laptop's run (another,
//! empty stage-cache directory) builds with that image as `--cache-from`. That BuildKit then
//! reuses the layers is shown in crates/backend-docker/tests/layer_sharing.rs.

mod debug_support;
mod run_support;

use std::path::Path;
use std::process::Output;

use debug_support::{BOOKWORM, describe, engine_has, unique};
use run_support::{REGISTRY, registry_tags, repository};

fn run(repo: &Path, cache_dir: &Path, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary");
    command.env("GANTRY_CACHE_DIR", cache_dir).arg("-C").arg(repo);
    command.args(["run", "--progress", "plain"]).args(args).output().expect("gantry runs")
}

#[test]
fn ci_pushes_built_layers_and_a_laptop_builds_from_them() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let path = unique("layers");
    let url = format!("http://{REGISTRY}/{path}");
    let (_root, repo) = repository("    stages:\n      - name: app\n");
    let (ci_cache, laptop_cache) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let ci = run(&repo, ci_cache.path(), &["--cache-registry", &url, "--cache-push"]);
    assert_eq!(ci.status.code(), Some(0), "{}", describe(&ci));
    let layers = format!("{REGISTRY}/{path}/layers/runtest");
    assert!(describe(&ci).contains(&format!("layers: pushed {layers}:app")), "{}", describe(&ci));
    let Some(tags) = registry_tags(&format!("{path}/layers/runtest")) else {
        return;
    };
    assert!(tags.contains("\"app\""), "{tags}");

    // The laptop has no stage results of its own; --rerun makes it build even if the
    // shared result would be restored.
    let laptop = run(&repo, laptop_cache.path(), &["--cache-registry", &url, "--rerun", "app"]);
    assert_eq!(laptop.status.code(), Some(0), "{}", describe(&laptop));
    let output = describe(&laptop);
    assert!(output.contains(&format!("importing cache manifest from {layers}:app")), "{output}");
    assert!(!output.contains("layers: pushed"), "a laptop only reads: {output}");
}
