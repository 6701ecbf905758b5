//! `gantry check`'s look at the Blubber files a plan builds from: that each file exists,
//! that it can be read, and that it defines the variant each stage builds ("did you mean"
//! otherwise); and, separately, every Blubber problem in those files.
//!
//! The caller loads the files ([`Plan::blubber_paths`]) and hands their text over; this
//! module must not read files itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use gantry_spec::diagnostic::{Diagnostic, nearest};
use gantry_spec::yaml::{self, Span, Value};

use crate::plan::{BlubberUse, Plan};
use crate::steps::BlubberConfig;

/// The Blubber files of a plan as the caller found them, by path relative to the repository
/// root.
pub type BlubberSources = BTreeMap<String, BlubberFileState>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlubberFileState {
    Missing,
    /// The file exists; its text was not loaded, so its variants are not checked.
    Exists,
    Loaded(String),
}

/// Problems with the references from `config.yaml` to Blubber files and variants, located in
/// `config.yaml`: missing files, files whose YAML cannot be read, unknown variants. Paths
/// absent from `sources` are not checked.
pub fn check_blubber_references(plan: &Plan, sources: &BlubberSources) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for blubber_use in plan.blubber_uses() {
        let (path, text, span) = match blubber_use.config {
            BlubberConfig::File { path, span } => {
                let Some(path) = path.as_known() else { continue };
                let text = match sources.get(&path) {
                    None | Some(BlubberFileState::Exists) => continue,
                    Some(BlubberFileState::Missing) => {
                        diagnostics.push(missing_file(&plan.file, &path, *span, &blubber_use));
                        continue;
                    }
                    Some(BlubberFileState::Loaded(text)) => text,
                };
                (path, text.as_str(), *span)
            }
            BlubberConfig::Inline { json, span } => ("the inline Blubber config".to_string(), json.as_str(), *span),
        };
        match variant_names(text) {
            Ok(variants) => diagnostics.extend(unknown_variant(&plan.file, &path, &variants, &blubber_use)),
            Err(message) => diagnostics.push(Diagnostic::new(
                &plan.file,
                span,
                format!("{path}: cannot read its variants: {message}"),
                format!("fix the Blubber file first (`gantry image check -f {path}` lists its problems)"),
            )),
        }
    }
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}

/// Every Blubber problem in the files the plan uses, located in those files.
pub fn check_blubber_files(sources: &BlubberSources) -> Vec<Diagnostic> {
    sources
        .iter()
        .filter_map(|(path, state)| match state {
            BlubberFileState::Loaded(text) => Some((path, text)),
            BlubberFileState::Missing | BlubberFileState::Exists => None,
        })
        .flat_map(|(path, text)| {
            let file: Arc<str> = path.as_str().into();
            gantry_spec::blubber::parse(&file, text).err().unwrap_or_default()
        })
        .collect()
}

fn missing_file(config: &Arc<str>, path: &str, span: Span, blubber_use: &BlubberUse<'_>) -> Diagnostic {
    let default = format!(".pipeline/{}/blubber.yaml", blubber_use.pipeline);
    let help = if path == default {
        format!(
            "pipeline '{}' sets no `blubberfile`, so PipelineLib uses `{}/blubber.yaml`; set `blubberfile:` to the file it should use (relative to .pipeline/)",
            blubber_use.pipeline, blubber_use.pipeline
        )
    } else {
        "`blubberfile` is relative to .pipeline/ at the repository root".to_string()
    };
    let message = format!("{path}: no such file (stage '{}' of pipeline '{}' builds from it)", blubber_use.stage, blubber_use.pipeline);
    Diagnostic::new(config, span, message, help)
}

fn unknown_variant(config: &Arc<str>, path: &str, variants: &[String], blubber_use: &BlubberUse<'_>) -> Option<Diagnostic> {
    let variant = blubber_use.variant.as_ref()?;
    if variants.contains(variant) {
        return None;
    }
    let list = variants.join(", ");
    let help = match nearest(variant, variants.iter().map(String::as_str)) {
        Some(suggestion) => format!("did you mean '{suggestion}'? Variants in {path}: {list}"),
        None => format!("variants in {path}: {list}"),
    };
    let message = format!("variant '{variant}' is not defined in {path}");
    Some(Diagnostic::new(config, blubber_use.variant_span, message, help))
}

/// The keys of the file's `variants` mapping, read from the YAML alone so that a file with
/// other Blubber problems can still be checked.
fn variant_names(text: &str) -> Result<Vec<String>, String> {
    let root = yaml::parse(text).map_err(|e| format!("yaml: line {}: {}", e.pos.line, e.message))?;
    let Some(variants) = root.get("variants") else { return Ok(Vec::new()) };
    let Value::Map(entries) = &variants.value else { return Ok(Vec::new()) };
    Ok(entries.iter().filter_map(|(k, _)| k.scalar_text().map(str::to_string)).collect())
}
