//! [`CachedStages`]: `gantry run`'s [`StageCache`] — the cache crate's [`RunCache`] (keys
//! computed before the run, the local store, an optional shared registry) plus what only the
//! engine can check: a restored stage's images must still exist, and get this run's local
//! names; built images are kept alive with a `gantry.local/cache` tag.
//!
//! This module must not run stages or compute keys itself (`stage_keys` does).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry_backend_docker::DockerEngine;
use gantry_cache::{CacheDecision, CacheEntry, CachePolicy, LocalStore, RegistryCache, RunCache, StageResult, binding_references};
use gantry_engine::pipeline_run::local_image_prefix;
use gantry_engine::{BindingValue, CacheFuture, CacheLookup, CachedResult, StageCache, StageOutput, StageRef};
use gantry_image::CompileOptions;
use gantry_plan::Plan;

use crate::commands::stage_keys::{CheckoutKeys, EngineImages, plan_keys, repo_scope};

use super::RunArgs;

/// The repository that keeps the images of cached build stages from being removed.
const CACHE_REPOSITORY: &str = "gantry.local/cache";
/// The blob holding a result's log (JSON lines of source and text).
const LOG_BLOB: &str = "log.json";
/// Blobs holding files the stage copied out, by their path under the repository.
const FILES_PREFIX: &str = "files/";
/// The binding that names a built image in the run that built it.
const LOCAL_NAME: &str = "imageLocalName";

pub struct CachedStages {
    cache: RunCache,
    engine: DockerEngine,
    run_id: String,
    repo: PathBuf,
    /// `pipeline:stage` of the stages whose `imageLocalName` a later stage reads: only their
    /// restored images need a name in this run.
    named_images: BTreeSet<String>,
}

/// What the run's cache needs besides the flags.
pub struct CacheSetup<'a> {
    pub repo: &'a Path,
    pub plan: &'a Plan,
    pub options: &'a CompileOptions,
    pub environment: &'a BTreeMap<String, String>,
    pub engine: &'a DockerEngine,
    pub run_id: &'a str,
}

/// The run's cache, or `None` with `--no-cache` (the run neither reuses nor stores) or, with
/// a note, when there is no usable cache directory. `keys`: the stage keys when the caller
/// computed them already, else they are computed here.
pub async fn for_run(args: &RunArgs, setup: CacheSetup<'_>, keys: Option<CheckoutKeys>) -> Option<Arc<dyn StageCache>> {
    let stages = open(args, &setup, keys).await?;
    Some(Arc::new(stages))
}

/// The cache of one repository's run, `None` as [`for_run`] says.
pub async fn open(args: &RunArgs, setup: &CacheSetup<'_>, keys: Option<CheckoutKeys>) -> Option<CachedStages> {
    if args.no_cache {
        return None;
    }
    let store = match LocalStore::default_root().map(|root| LocalStore::open(&root)) {
        Some(Ok(store)) => store,
        Some(Err(problem)) => return note(&problem),
        None => return note("no cache directory (set GANTRY_CACHE_DIR, XDG_CACHE_HOME or HOME)"),
    };
    let registry = match args.repository.cache_registry.as_deref().map(RegistryCache::new) {
        Some(Err(problem)) => return note(&problem),
        Some(Ok(registry)) => Some(registry),
        None => None,
    };
    let policy = CachePolicy {
        rerun: args.rerun.iter().cloned().collect(),
        cache_failures: args.cache_failures,
        push: args.repository.cache_push,
    };
    let mut cache = RunCache::new(store, registry, policy, repo_scope(setup.repo));
    let keys = match keys {
        Some(keys) => keys,
        None => stage_keys(setup).await,
    };
    for (pipeline, keys) in keys {
        cache.add_pipeline(&pipeline, keys);
    }
    let engine = setup.engine.clone();
    let named_images = local_names_read(setup.plan);
    Some(CachedStages { cache, engine, run_id: setup.run_id.to_owned(), repo: setup.repo.to_path_buf(), named_images })
}

/// `pipeline:stage` of every stage whose `imageLocalName` some stage of its pipeline reads.
fn local_names_read(plan: &Plan) -> BTreeSet<String> {
    let mut read = BTreeSet::new();
    for pipeline in &plan.pipelines {
        for stage in &pipeline.stages {
            let references = binding_references(&stage.steps).into_iter().filter(|b| b.key == LOCAL_NAME);
            read.extend(references.map(|b| format!("{}:{}", pipeline.name, b.stage)));
        }
    }
    read
}

fn note<T>(problem: &str) -> Option<T> {
    eprintln!("gantry: note: the stage cache is off for this run: {problem}");
    None
}

/// Every stage's key, computed on a blocking thread (file reads, image lookups).
async fn stage_keys(setup: &CacheSetup<'_>) -> CheckoutKeys {
    let (repo, plan, options) = (setup.repo.to_path_buf(), setup.plan.clone(), setup.options.clone());
    let (environment, engine) = (setup.environment.clone(), setup.engine.clone());
    let computed = tokio::task::spawn_blocking(move || {
        let images = EngineImages::new(tokio::runtime::Handle::current(), Some(engine));
        plan_keys(&repo, &plan, &options, &images, &|name| environment.get(name).cloned())
    });
    computed.await.unwrap_or_default()
}

impl StageCache for CachedStages {
    fn lookup<'a>(&'a self, stage: &'a StageRef) -> CacheFuture<'a, CacheLookup> {
        Box::pin(self.lookup_stage(stage))
    }

    fn save<'a>(&'a self, stage: &'a StageRef, result: &'a CachedResult) -> CacheFuture<'a, ()> {
        Box::pin(self.save_stage(stage, result))
    }
}

impl CachedStages {
    async fn lookup_stage(&self, stage: &StageRef) -> CacheLookup {
        let key = self.cache.key(&stage.pipeline, &stage.stage).map(|k| k.key.to_string());
        let decision = self.cache.decide(&stage.pipeline, &stage.stage);
        self.print_notes();
        match decision {
            CacheDecision::Run { reason } => CacheLookup::Run { reason, key },
            CacheDecision::Reuse(entry) => match self.restore(stage, &entry, true).await {
                Ok(result) => CacheLookup::Restore(Box::new(result)),
                Err(reason) => CacheLookup::Run { reason, key },
            },
        }
    }

    /// Every stage of `plan` restored without running anything — its images checked, its
    /// copied files written back, no image named for a run — or `None` as soon as one would
    /// run (`gantry gate` reports such a repository `cached` without starting a run).
    pub async fn restore_all(&self, plan: &Plan) -> Option<Vec<StageRef>> {
        let mut restored = Vec::new();
        for pipeline in &plan.pipelines {
            for stage in &pipeline.stages {
                let stage = StageRef::new(&pipeline.name, &stage.name);
                let CacheDecision::Reuse(entry) = self.cache.decide(&stage.pipeline, &stage.stage) else {
                    self.print_notes();
                    return None;
                };
                self.restore(&stage, &entry, false).await.ok()?;
                restored.push(stage);
            }
        }
        self.print_notes();
        Some(restored)
    }

    async fn restore(&self, stage: &StageRef, entry: &CacheEntry, name_images: bool) -> Result<CachedResult, String> {
        let mut result: CachedResult =
            serde_json::from_value(entry.result.clone()).map_err(|e| format!("its cached result does not decode: {e}"))?;
        result.log = self.cache.blob(entry, LOG_BLOB).and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
        for image in &result.output.images {
            match self.engine.image_id(&image.id).await {
                Ok(Some(_)) => {}
                _ => return Err(format!("its cached image {} is no longer on the engine", image.id)),
            }
        }
        if name_images && self.named_images.contains(&format!("{}:{}", stage.pipeline, stage.stage)) {
            self.name_for_this_run(&mut result.output).await?;
        }
        self.restore_files(entry)?;
        Ok(result)
    }

    /// `imageLocalName` is a tag of the run that built it; a later stage of this run that reads
    /// it needs one of this run's (which this run's cleanup removes again).
    async fn name_for_this_run(&self, output: &mut StageOutput) -> Result<(), String> {
        let (Some(BindingValue::Text(old)), Some(image)) = (output.exports.get(LOCAL_NAME), output.images.last()) else {
            return Ok(());
        };
        let name = old.rsplit('/').next().unwrap_or(old);
        let repository = format!("{}{name}", local_image_prefix(&self.run_id));
        self.engine.tag_image(&image.id, &repository, "latest").await.map_err(|e| e.to_string())?;
        output.exports.insert(LOCAL_NAME.into(), BindingValue::Text(repository));
        Ok(())
    }

    fn restore_files(&self, entry: &CacheEntry) -> Result<(), String> {
        for blob in entry.blobs.iter().filter(|b| b.name.starts_with(FILES_PREFIX)) {
            let relative = &blob.name[FILES_PREFIX.len()..];
            let bytes = self.cache.blob(entry, &blob.name).ok_or_else(|| format!("its copied file {relative} is missing"))?;
            let path = self.repo.join(relative);
            let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, bytes));
            written.map_err(|e| format!("cannot restore {}: {e}", path.display()))?;
        }
        Ok(())
    }

    async fn save_stage(&self, stage: &StageRef, result: &CachedResult) {
        let Some(key) = self.cache.key(&stage.pipeline, &stage.stage) else { return };
        let succeeded = result.failure.is_none();
        if succeeded {
            let tag = &key.key.digest().hex()[..32];
            for image in &result.output.images {
                let _ = self.engine.tag_image(&image.id, CACHE_REPOSITORY, tag).await;
            }
        }
        let record = serde_json::to_value(CachedResult { log: Vec::new(), ..result.clone() }).unwrap_or_default();
        let mut blobs = vec![(LOG_BLOB.to_owned(), serde_json::to_vec(&result.log).unwrap_or_default())];
        blobs.extend(copied_files(&self.repo, &result.output.files));
        self.cache.save(&stage.pipeline, &stage.stage, StageResult { record, blobs, succeeded });
        self.print_notes();
    }

    fn print_notes(&self) {
        for note in self.cache.take_notes() {
            eprintln!("gantry: note: {note}");
        }
    }
}

/// The files a stage copied out (paths under the repository; directories walked), as blobs.
fn copied_files(repo: &Path, files: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut blobs = Vec::new();
    let mut pending: Vec<String> = files.to_vec();
    while let Some(relative) = pending.pop() {
        let path = repo.join(&relative);
        if path.is_dir() {
            let children = std::fs::read_dir(&path).into_iter().flatten().flatten();
            pending.extend(children.map(|child| format!("{relative}/{}", child.file_name().to_string_lossy())));
        } else if let Ok(bytes) = std::fs::read(&path) {
            blobs.push((format!("{FILES_PREFIX}{relative}"), bytes));
        }
    }
    blobs
}
