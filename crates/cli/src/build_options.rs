//! [`BuildOptions`]: what every build from a Blubber file shares — the base-image map and the
//! CA bundle, from the settings files with the flags on top — and the compile options they
//! give, offline (to check a spec before the engine is contacted) or for real builds (with
//! the CA bundle imported into the engine).
//!
//! It must not compile or build anything itself; `gantry image build` and `gantry run` do.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gantry_backend_docker::DockerEngine;
use gantry_image::{CompileOptions, ImageMap};

use crate::exit_code::ExitCode;
use crate::settings::Settings;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `FROM` references (or prefixes ending in `/`) mapped to what this machine has.
    pub base_map: BTreeMap<String, String>,
    pub ca_bundle: Option<PathBuf>,
}

impl BuildOptions {
    /// The settings' options with the flags' on top.
    pub fn new(settings: &Settings, base_map: &[(String, String)], ca_bundle: Option<&PathBuf>) -> Self {
        let mut options = BuildOptions { base_map: settings.base_map.clone(), ca_bundle: settings.ca_bundle.clone() };
        options.base_map.extend(base_map.iter().cloned());
        if let Some(bundle) = ca_bundle {
            options.ca_bundle = Some(bundle.clone());
        }
        options
    }

    /// For compiling before any build: the map, without the CA bundle mounts.
    pub fn offline(&self) -> CompileOptions {
        compile_options(self.base_map.clone(), None)
    }

    /// For builds on `engine`: imports the CA bundle first (exit 2 if it cannot be read, 3 if
    /// the engine refuses it).
    pub async fn for_engine(&self, engine: &DockerEngine) -> Result<CompileOptions, ExitCode> {
        let Some(path) = &self.ca_bundle else {
            return Ok(self.offline());
        };
        let pem = std::fs::read(path).map_err(|e| {
            eprintln!("gantry: cannot read the CA bundle {}: {e}", path.display());
            ExitCode::Invalid
        })?;
        let image = engine.import_ca_bundle(&pem).await.map_err(|e| {
            eprintln!("gantry: {e}");
            ExitCode::Infrastructure
        })?;
        Ok(compile_options(self.base_map.clone(), Some(image)))
    }
}

/// Compile options mapping base images: a key ending in '/' maps every image under that
/// prefix, any other key one reference.
pub fn compile_options(base_map: BTreeMap<String, String>, ca_bundle_image: Option<String>) -> CompileOptions {
    let images = base_map.into_iter().fold(ImageMap::default(), |map, (from, to)| {
        if from.ends_with('/') { map.with_prefix(from, to) } else { map.with_exact(from, to) }
    });
    CompileOptions { images, ca_bundle_image, ..CompileOptions::default() }
}
