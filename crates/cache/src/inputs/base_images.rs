//! [`BaseImages`]: what the collector asks of the engine — the ID of an image it has — and
//! which references of a Dockerfile are images rather than its own stages.
//!
//! This module must not talk to an engine; callers implement the trait (the CLI with the
//! Docker backend, tests with a map).

use std::collections::{BTreeMap, BTreeSet};

use gantry_image::{Dockerfile, Instruction, RunMount};

use crate::Digest;

/// The engine's view of images.
pub trait BaseImages {
    /// The image ID (`sha256:…`, the digest of the image config) of `reference`, or why
    /// there is none. gantry never pulls to answer this.
    fn image_id(&self, reference: &str) -> Result<Digest, String>;
}

/// A fixed answer per reference: for tests, and for callers that looked images up first.
impl BaseImages for BTreeMap<String, Digest> {
    fn image_id(&self, reference: &str) -> Result<Digest, String> {
        self.get(reference).cloned().ok_or_else(|| format!("the engine has no image {reference}"))
    }
}

/// The images `dockerfile` reads — `FROM`, `COPY --from` and `RUN --mount=from` values that
/// are not stages of the same Dockerfile — sorted, each once.
pub fn image_references(dockerfile: &Dockerfile) -> Vec<String> {
    let stages: BTreeSet<&str> = dockerfile.stage_names().collect();
    let mut references = BTreeSet::new();
    for stage in &dockerfile.stages {
        references.extend(stage.base.clone());
        for instruction in &stage.instructions {
            match instruction {
                Instruction::Copy { from: Some(from), .. } => {
                    references.insert(from.clone());
                }
                Instruction::Run { mounts, .. } => references.extend(mounts.iter().filter_map(mount_source).cloned()),
                _ => {}
            }
        }
    }
    references.into_iter().filter(|r| !stages.contains(r.as_str()) && r != "scratch").collect()
}

fn mount_source(mount: &RunMount) -> Option<&String> {
    match mount {
        RunMount::Bind { from, .. } => from.as_ref(),
        RunMount::Cache { .. } => None,
    }
}
