//! [`KeyCollector`]: reads everything a pipeline's stages depend on and computes their keys,
//! upstream stages first.
//!
//! This is the crate's I/O edge for keys: files of the repository, the environment variables
//! the steps name, and (through [`BaseImages`]) the engine's image IDs. It must not run,
//! build or pull anything, and must not read credential values.

use std::path::Path;

use gantry_image::CompileOptions;
use gantry_plan::{PipelinePlan, PlannedStage};

use crate::inputs::base_images::BaseImages;
use crate::inputs::build_inputs::{BuildSite, add_build_inputs, known};
use crate::inputs::stage_key::{PipelineKeys, StageKey};
use crate::{InputKind, InputName, KeyInputs, add_step_inputs, cacheability, environment_references};

/// Reads one checkout of a repository.
pub struct KeyCollector<'a> {
    /// The repository root.
    pub repo: &'a Path,
    /// How the executor compiles Dockerfiles (base-image map, CA-bundle mount, cache mounts).
    pub options: &'a CompileOptions,
    pub images: &'a dyn BaseImages,
    /// Looks up gantry's environment variables (`std::env::var` in the CLI).
    pub environment: &'a dyn Fn(&str) -> Option<String>,
    /// `<os>/<arch>` of the engine.
    pub platform: &'a str,
}

impl KeyCollector<'_> {
    /// The keys of every stage of `pipeline` (whose stages are in plan order).
    pub fn pipeline_keys(&self, pipeline: &PipelinePlan) -> PipelineKeys {
        let mut keys = PipelineKeys::default();
        for stage in &pipeline.stages {
            let key = self.stage_key(pipeline, stage, &keys);
            keys.stages.insert(stage.name.clone(), key);
        }
        keys
    }

    fn stage_key(&self, pipeline: &PipelinePlan, stage: &PlannedStage, done: &PipelineKeys) -> Result<StageKey, String> {
        let mut inputs = KeyInputs::default();
        inputs.add_content(InputName::new(InputKind::Platform, ""), self.platform.as_bytes(), true);
        add_step_inputs(&mut inputs, stage);
        for name in environment_references(&stage.steps) {
            let value = (self.environment)(&name).map_or_else(|| b"unset".to_vec(), |v| format!("set\0{v}").into_bytes());
            inputs.add_content(InputName::new(InputKind::Env, name), &value, false);
        }
        for upstream in &stage.needs {
            match done.get(upstream) {
                Some(Ok(key)) => inputs.add_upstream(upstream, &key.key),
                Some(Err(_)) | None => return Err(format!("it needs `{upstream}`, which has no key before the run")),
            }
        }
        if let Some(build) = &stage.steps.build {
            let site = BuildSite { repo: self.repo, directory: &pipeline.directory, options: self.options, images: self.images };
            add_build_inputs(&mut inputs, &site, build)?;
        }
        self.add_run_image(&mut inputs, stage)?;
        let key = inputs.key();
        Ok(StageKey { inputs, key, cacheability: cacheability(&stage.steps) })
    }

    /// A run step that names an image directly (not a built one) depends on that image.
    fn add_run_image(&self, inputs: &mut KeyInputs, stage: &PlannedStage) -> Result<(), String> {
        let Some(run) = &stage.steps.run else { return Ok(()) };
        if run.image.bindings().next().is_some() {
            return Ok(());
        }
        let reference = known(&run.image, "the image to run")?;
        let id = self.images.image_id(&reference)?;
        inputs.add_digest(InputName::new(InputKind::Base, reference), id);
        Ok(())
    }
}
