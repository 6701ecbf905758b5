//! The cache keys of one checkout's pipelines, as `gantry run`, `gantry affected` and
//! `gantry why` need them: the plan (planned without `setup` values, as keys are), the
//! compile options builds use (base-image map, CA bundle, package-manager cache mounts) and
//! base image IDs from the engine.
//!
//! Without an engine, base images are compared by reference instead of by ID (a note says
//! so). This module must not print results or run stages.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use gantry_backend_docker::DockerEngine;
use gantry_cache::{BaseImages, Digest, KeyCollector, PipelineKeys};
use gantry_image::CompileOptions;
use gantry_plan::Plan;
use tokio::runtime::{Handle, Runtime};

use crate::args::SelectionArgs;
use crate::build_options::BuildOptions;
use crate::exit_code::ExitCode;
use crate::settings::Settings;

/// What `affected` and `why` compute keys with: one async runtime and, if reachable, the
/// engine.
pub struct KeyContext {
    runtime: Runtime,
    engine: Option<DockerEngine>,
}

/// The keys of each planned pipeline of one checkout, by pipeline name.
pub type CheckoutKeys = BTreeMap<String, PipelineKeys>;

impl KeyContext {
    /// Connects to the engine; an unreachable engine is noted on stderr, not an error.
    pub fn connect() -> Result<Self, ExitCode> {
        // A worker thread drives the engine's I/O while `EngineImages` blocks on its handle.
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().map_err(|e| {
            eprintln!("gantry: cannot start the async runtime: {e}");
            ExitCode::Infrastructure
        })?;
        let engine = match runtime.block_on(DockerEngine::connect()) {
            Ok(engine) => Some(engine),
            Err(error) => {
                eprintln!("gantry: note: {error}; base images are compared by reference, not by image ID");
                None
            }
        };
        Ok(Self { runtime, engine })
    }

    /// The plan of the checkout in `repo` for `selection`, and the keys of its pipelines,
    /// compiled as `gantry run` compiles them by default.
    pub fn checkout_keys(&self, repo: &Path, selection: &SelectionArgs) -> Result<(Plan, CheckoutKeys), ExitCode> {
        let (plan, _sources) = crate::commands::pipeline::load_plan(repo, selection)?;
        let settings = Settings::load(repo).map_err(|message| {
            eprintln!("gantry: invalid settings file {message}");
            ExitCode::Invalid
        })?;
        let build = BuildOptions::new(&settings, &[], None);
        let mut options = match &self.engine {
            Some(engine) => self.runtime.block_on(build.for_engine(engine))?,
            None => build.offline(),
        };
        options.package_cache_mounts = true;
        let images = EngineImages::new(self.runtime.handle().clone(), self.engine.clone());
        let keys = plan_keys(repo, &plan, &options, &images, &|name| std::env::var(name).ok());
        Ok((plan, keys))
    }
}

/// The keys of every pipeline of `plan` in the checkout at `repo`.
pub fn plan_keys(
    repo: &Path,
    plan: &Plan,
    options: &CompileOptions,
    images: &dyn BaseImages,
    environment: &dyn Fn(&str) -> Option<String>,
) -> CheckoutKeys {
    let platform = format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH);
    let collector = KeyCollector { repo, options, images, environment, platform: &platform };
    plan.pipelines.iter().map(|p| (p.name.clone(), collector.pipeline_keys(p))).collect()
}

/// Base image IDs from the engine, each looked up once. Blocks on `handle`: use it from a
/// thread that is not running async tasks (`spawn_blocking`, or outside any runtime).
pub struct EngineImages {
    handle: Handle,
    engine: Option<DockerEngine>,
    seen: RefCell<BTreeMap<String, Result<Digest, String>>>,
}

impl EngineImages {
    pub fn new(handle: Handle, engine: Option<DockerEngine>) -> Self {
        Self { handle, engine, seen: RefCell::default() }
    }

    fn look_up(&self, reference: &str) -> Result<Digest, String> {
        let Some(engine) = &self.engine else {
            return Ok(Digest::blake3(format!("reference\0{reference}").as_bytes()));
        };
        match self.handle.block_on(engine.image_id(reference)) {
            Ok(Some(id)) => id.parse().map_err(|e| format!("the engine's ID for {reference}: {e}")),
            Ok(None) => Err(format!("the engine has no image {reference} (gantry never pulls base images)")),
            Err(error) => Err(error.to_string()),
        }
    }
}

impl BaseImages for EngineImages {
    fn image_id(&self, reference: &str) -> Result<Digest, String> {
        if let Some(known) = self.seen.borrow().get(reference) {
            return known.clone();
        }
        let found = self.look_up(reference);
        self.seen.borrow_mut().insert(reference.to_owned(), found.clone());
        found
    }
}

/// Identifies a repository checkout in the local store's per-stage records.
pub fn repo_scope(repo: &Path) -> String {
    let path = repo.canonicalize().unwrap_or_else(|_| repo.to_path_buf());
    Digest::blake3(path.to_string_lossy().as_bytes()).short(16).to_owned()
}

/// Why a stage's key is not the earlier one: one line per differing input, or the reason it
/// has no key. Empty when nothing differs.
pub fn reasons(current: &Result<gantry_cache::StageKey, String>, earlier: Option<&gantry_cache::KeyInputs>, no_earlier: &str) -> Vec<String> {
    let key = match current {
        Ok(key) => key,
        Err(reason) => return vec![format!("no key before the run: {reason}")],
    };
    let Some(earlier) = earlier else { return vec![no_earlier.to_owned()] };
    key.inputs.changes_since(earlier).iter().map(ToString::to_string).collect()
}
