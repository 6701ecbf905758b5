//! gantry's image compiler: a Blubber v4 spec and a variant in, a Dockerfile out.
//!
//! The output is byte-identical to Blubber v0.23.0's for everything v0.23 supports (except
//! the `blubber.version` label value), and maps the fields Blubber added later to Dockerfile
//! syntax that Docker 20.10's built-in BuildKit frontend accepts (no `# syntax=` line, no
//! heredocs). docs/compatibility.md lists every intended difference.
//!
//! Pipeline: `gantry_spec::blubber::expand` gives the merged stages; `stage` turns each into
//! an [`Instruction`] list in Blubber's phase order; [`Dockerfile`]'s `Display` writes text.
//!
//! This crate is pure: no I/O, no environment, no async. It must not build or pull images.

mod apt;
mod ca_bundle;
mod compile_options;
mod copies;
mod copy_source;
mod custom_builder;
mod dockerfile;
mod env_expansion;
mod findings;
mod go_path;
mod go_quote;
mod instruction;
mod node;
mod package_caches;
mod php;
mod python;
mod requirements;
mod script;
mod shell_quote;
mod stage;
mod stage_context;
mod users;

use std::collections::BTreeMap;

use gantry_spec::Diagnostic;
use gantry_spec::blubber::{BlubberFile, Variant, expand};

pub use compile_options::{CompileOptions, ImageMap};
pub use dockerfile::{Dockerfile, Stage};
pub use go_quote::go_quote;
pub use instruction::{ArgDefault, Instruction, RunMount};

use findings::Findings;
use stage_context::StageContext;

/// Compiles `variant` of `file` (and the variants it copies from) to a Dockerfile.
pub fn compile(file: &BlubberFile, variant: &str, options: &CompileOptions) -> Result<Dockerfile, Vec<Diagnostic>> {
    let expanded = expand(file, variant)?;
    let stage_workdirs: BTreeMap<String, String> =
        expanded.iter().map(|stage| (stage.name.clone(), working_directory(&stage.config))).collect();
    let mut findings = Findings::default();
    let stages: Vec<Stage> = expanded
        .iter()
        .map(|stage| {
            let ctx = StageContext { file: &file.path, name: &stage.name, config: &stage.config, options, stage_workdirs: &stage_workdirs };
            stage::compile_stage(&ctx, &mut findings)
        })
        .collect();
    if !findings.errors.is_empty() {
        return Err(findings.errors);
    }
    Ok(Dockerfile { stages, variant: variant.to_owned(), version: options.version.clone(), warnings: findings.warnings })
}

/// Where a variant's files are when another variant copies from it: `runs.in`, else `lives.in`.
fn working_directory(config: &Variant) -> String {
    let common = &config.common;
    if common.runs.in_dir.is_empty() { common.lives.in_dir.clone() } else { common.runs.in_dir.clone() }
}
