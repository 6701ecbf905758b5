//! The inputs of a build step: the compiled Dockerfile, the context files the variant
//! reads, and the images it starts from.
//!
//! The Dockerfile is compiled with the caller's [`CompileOptions`] — the same the executor
//! builds with — so the key hashes the text BuildKit receives. This module must not build.

use std::path::Path;

use gantry_image::CompileOptions;
use gantry_plan::{BlubberConfig, BuildStep};
use gantry_spec::blubber::{BlubberFile, context_paths, expand};

use crate::inputs::base_images::{BaseImages, image_references};
use crate::inputs::context_files::{ContextSelection, add_context_inputs};
use crate::{InputKind, InputName, KeyInputs};

/// Where a build step finds its files.
pub struct BuildSite<'a> {
    /// The repository root (Blubber file paths are relative to it).
    pub repo: &'a Path,
    /// The pipeline's `directory`, relative to the root (contexts are relative to it).
    pub directory: &'a str,
    pub options: &'a CompileOptions,
    pub images: &'a dyn BaseImages,
}

/// Adds the `dockerfile`, `context` and `base` inputs of `build`.
pub fn add_build_inputs(inputs: &mut KeyInputs, site: &BuildSite<'_>, build: &BuildStep) -> Result<(), String> {
    let variant = known(&build.variant, "the variant")?;
    let file = load_blubber(site.repo, &build.blubber)?;
    let dockerfile = gantry_image::compile(&file, &variant, site.options)
        .map_err(|d| format!("{} does not compile: {}", file.path, first_message(&d)))?;
    inputs.add_content(InputName::new(InputKind::Dockerfile, ""), dockerfile.to_string().as_bytes(), false);
    for reference in image_references(&dockerfile) {
        let id = site.images.image_id(&reference)?;
        inputs.add_digest(InputName::new(InputKind::Base, reference), id);
    }
    let context = known(&build.context, "the build context")?;
    let context_dir = site.repo.join(site.directory).join(&context);
    let excludes = match &build.excludes {
        Some(texts) => Some(texts.iter().map(|t| known(t, "an exclude pattern")).collect::<Result<_, _>>()?),
        None => None,
    };
    let selection = ContextSelection { follow: followed_paths(&file, &variant)?, excludes };
    add_context_inputs(inputs, &context_dir, &selection)
}

/// The context paths the variant and the variants it copies from read; `None` when one of
/// them reads the whole context.
fn followed_paths(file: &BlubberFile, variant: &str) -> Result<Option<Vec<String>>, String> {
    let stages = expand(file, variant).map_err(|d| first_message(&d))?;
    let mut paths: Vec<String> = stages.iter().flat_map(|s| context_paths(&s.config)).map(|p| p.source).collect();
    if paths.iter().any(|p| p == "." || p == "./" || p.is_empty()) {
        return Ok(None);
    }
    paths.sort();
    paths.dedup();
    Ok(Some(paths))
}

fn load_blubber(repo: &Path, config: &BlubberConfig) -> Result<BlubberFile, String> {
    let (name, text) = match config {
        BlubberConfig::File { path, .. } => {
            let path = known(path, "the Blubber file")?;
            let text = std::fs::read_to_string(repo.join(&path)).map_err(|e| format!("cannot read {path}: {e}"))?;
            (path, text)
        }
        BlubberConfig::Inline { json, .. } => ("<inline blubber config>".to_owned(), json.clone()),
    };
    gantry_spec::blubber::parse(&name.as_str().into(), &text).map_err(|d| format!("{name} is invalid: {}", first_message(&d)))
}

/// The text, or why a key cannot be made before the run.
pub(crate) fn known(text: &gantry_plan::Text, what: &str) -> Result<String, String> {
    text.as_known().ok_or_else(|| format!("{what} is only known while the pipeline runs ({text})"))
}

fn first_message(diagnostics: &[gantry_spec::Diagnostic]) -> String {
    diagnostics.first().map_or_else(|| "unknown problem".to_owned(), |d| d.message.clone())
}
