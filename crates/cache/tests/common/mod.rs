//! A small repository on disk (a Blubber file, a pipeline, a few files) and its keys.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use gantry_cache::{Digest, KeyCollector, PipelineKeys};
use gantry_image::CompileOptions;
use gantry_plan::PlanRequest;

pub const BLUBBER: &str = "version: v4
base: debian:bookworm
lives:
  in: /srv/app
variants:
  build:
    python:
      version: python3
      requirements: [requirements.txt]
  test:
    includes: [build]
    copies: [local]
    entrypoint: [python3, -m, unittest]
  production:
    includes: [build]
    copies:
      - from: local
        source: app.py
        destination: app.py
    entrypoint: [python3, app.py]
";

pub const CONFIG: &str = "pipelines:
  service:
    blubberfile: blubber.yaml
    stages:
      - name: test
        build: test
        run:
          arguments: [-v]
          env:
            DEBUG: '0'
            GREETING: '${GREETING}'
      - name: candidate
        build: production
      - name: smoke
        run:
          image: '${candidate.imageID}'
    execution:
      - [test]
      - [candidate, smoke]
";

/// Files of the fixture repository: (path, contents).
pub const FILES: &[(&str, &str)] = &[
    (".pipeline/blubber.yaml", BLUBBER),
    (".pipeline/config.yaml", CONFIG),
    ("app.py", "print('hello')\n"),
    ("test_app.py", "import app\n"),
    ("requirements.txt", "flask==3.0\n"),
    ("docs/notes.md", "notes\n"),
    ("build/output.bin", "generated\n"),
    (".dockerignore", "build\n*.md\n**/*.md\n"),
];

pub fn write_repo(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        write(dir, path, text.as_bytes());
    }
}

pub fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

pub fn images() -> BTreeMap<String, Digest> {
    BTreeMap::from([("debian:bookworm".to_owned(), Digest::sha256(b"bookworm image config"))])
}

/// The keys of the fixture's `service` pipeline as checked out in `dir`.
pub fn keys(dir: &Path, images: &BTreeMap<String, Digest>, environment: &dyn Fn(&str) -> Option<String>) -> PipelineKeys {
    let text = std::fs::read_to_string(dir.join(".pipeline/config.yaml")).unwrap();
    let name: Arc<str> = ".pipeline/config.yaml".into();
    let file = gantry_spec::pipeline::parse(&name, &text).unwrap();
    let plan = gantry_plan::plan(&file, &PlanRequest::everything()).unwrap();
    let options = CompileOptions { version: "test".into(), ..CompileOptions::default() };
    let collector = KeyCollector { repo: dir, options: &options, images, environment, platform: "linux/x86_64" };
    collector.pipeline_keys(&plan.pipelines[0])
}

pub fn no_environment(_: &str) -> Option<String> {
    None
}

/// Each stage's key as text (or its error), by stage.
pub fn key_texts(keys: &PipelineKeys) -> BTreeMap<String, String> {
    keys.stages
        .iter()
        .map(|(stage, key)| (stage.clone(), key.as_ref().map_or_else(|e| format!("error: {e}"), |k| k.key.to_string())))
        .collect()
}
