//! [`BlubberCompiler`]: `gantry run`'s image compiler — the Blubber files (or inline configs)
//! a plan builds, compiled to Dockerfiles with the run's build options — and the check before
//! a run that every build known in advance compiles.
//!
//! It must not build anything: the executor asks it for Dockerfiles. Problems come back
//! rendered (file, line, column, help), as the CLI renders every diagnostic.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use gantry_engine::{BlubberInput, CompiledDockerfile, DockerfileSource};
use gantry_image::CompileOptions;
use gantry_plan::{BlubberConfig, Plan};
use gantry_spec::Diagnostic;

use crate::diagnostic_report;

pub struct BlubberCompiler {
    pub repo: PathBuf,
    pub options: CompileOptions,
}

/// The name diagnostics of an inline Blubber config point into.
const INLINE_NAME: &str = ".pipeline/config.yaml (inline blubberfile)";

impl DockerfileSource for BlubberCompiler {
    fn dockerfile(&self, blubber: &BlubberInput, variant: &str) -> Result<CompiledDockerfile, String> {
        let (name, text) = self.read(blubber)?;
        let report = |diagnostics: Vec<Diagnostic>| {
            diagnostic_report::render(&diagnostics, |file| (file == &*name).then_some(text.as_str()))
        };
        let file = gantry_spec::blubber::parse(&name, &text).map_err(report)?;
        let dockerfile = gantry_image::compile(&file, variant, &self.options).map_err(report)?;
        Ok(CompiledDockerfile { text: dockerfile.to_string(), base_images: gantry_cache::image_references(&dockerfile) })
    }
}

impl BlubberCompiler {
    /// Compiles every build of `plan` whose Blubber file and variant are known before the run;
    /// every problem of every one of them at once.
    pub fn check(&self, plan: &Plan) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        let mut problems = String::new();
        for build in plan.blubber_uses() {
            let input = match build.config {
                BlubberConfig::File { path, .. } => path.as_known().map(BlubberInput::File),
                BlubberConfig::Inline { json, .. } => Some(BlubberInput::Inline(json.clone())),
            };
            let (Some(input), Some(variant)) = (input, build.variant) else { continue };
            if seen.insert(format!("{input:?} {variant}"))
                && let Err(problem) = self.dockerfile(&input, &variant)
            {
                problems.push_str(&problem);
            }
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(problems),
        }
    }

    fn read(&self, blubber: &BlubberInput) -> Result<(Arc<str>, String), String> {
        match blubber {
            BlubberInput::File(path) => match std::fs::read_to_string(self.repo.join(path)) {
                Ok(text) => Ok((path.as_str().into(), text)),
                Err(e) => Err(format!("cannot read the Blubber file {path}: {e}\n")),
            },
            BlubberInput::Inline(json) => Ok((INLINE_NAME.into(), json.clone())),
        }
    }
}
