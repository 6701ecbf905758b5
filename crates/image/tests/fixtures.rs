//! Fixture specs in `tests/fixtures/*.yaml`: every variant compiled and snapshotted with
//! insta; where `<name>.<variant>.expected` exists (Blubber v0.23's verbatim output from
//! blubber.md §3.6), the output must equal it byte for byte, label version included.
//!
//! Adding a case adds a file.

use std::path::Path;
use std::sync::Arc;

use gantry_image::{CompileOptions, ImageMap, compile};
use gantry_spec::blubber::{BlubberFile, parse};

fn fixtures_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn load(name: &str) -> BlubberFile {
    let path = fixtures_dir().join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file_name: Arc<str> = format!("{name}.yaml").into();
    let mut file = parse(&file_name, &text).unwrap_or_else(|e| panic!("{name}.yaml does not decode: {e:#?}"));
    file.path = file_name;
    file
}

#[test]
fn fixtures_compile_as_expected() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    let oracle_options = CompileOptions { version: "0.23.0+oracle".to_owned(), ..CompileOptions::default() };
    for name in names {
        let file = load(&name);
        for variant in file.variants.iter().map(|v| v.name.value.clone()) {
            let output = match compile(&file, &variant, &oracle_options) {
                Ok(dockerfile) => {
                    let warnings: Vec<String> = dockerfile.warnings.iter().map(|w| format!("# warning: {} ({})", w.message, w.help)).collect();
                    format!("{}{dockerfile}", warnings.iter().map(|w| format!("{w}\n")).collect::<String>())
                }
                Err(errors) => format!("{errors:#?}"),
            };
            let expected_path = fixtures_dir().join(format!("{name}.{variant}.expected"));
            if let Ok(expected) = std::fs::read_to_string(&expected_path) {
                assert_eq!(output, expected, "{name}.yaml {variant} differs from {}", expected_path.display());
            }
            insta::assert_snapshot!(format!("{name}__{variant}"), output);
        }
    }
}

#[test]
fn build_options_rewrite_images_and_mount_the_ca_bundle() {
    let options = CompileOptions {
        version: "test".to_owned(),
        images: ImageMap::default()
            .with_prefix("docker-registry.wikimedia.org/", "gantry.local/")
            .with_exact("debian:bookworm", "gantry.local/debian:bookworm"),
        ca_bundle_image: Some("gantry.local/ca-bundle:1".to_owned()),
        package_cache_mounts: false,
    };
    let dockerfile = compile(&load("example-b"), "production", &options).expect("compiles");
    insta::assert_snapshot!("options__example-b__production", dockerfile.to_string());
    assert_eq!(dockerfile.stage_names().collect::<Vec<_>>(), vec!["build", "production"]);
    assert_eq!(dockerfile.target_stage().and_then(|s| s.base.as_deref()), Some("gantry.local/nodejs20-slim"));
}
