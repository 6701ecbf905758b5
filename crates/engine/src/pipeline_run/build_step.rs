//! The `build` step: the Blubber variant's Dockerfile from the caller's image compiler,
//! built by the backend from the pipeline's directory; binds `imageID` (hex, without
//! `sha256:`) and `imageLocalName` (a tag later builds can use as a base).
//!
//! With a [`LayerCache`](super::LayerCache) the build reuses layers of the variant's image
//! in the registry, and in CI pushes its own there.
//!
//! Must not compile Blubber nor pull base images: gantry builds only from what the engine
//! has (BuildKit reads cached layers from the registry, never a `FROM`).

use gantry_plan::{BlubberConfig, BuildStep};
use tokio::sync::mpsc;

use crate::{
    BlubberInput, BuildEvent, BuildRequest, BuiltImage, FailureKind, LogSource, StageFailure,
};

use super::RunBackend;
use super::local_image::local_image_name;
use super::stage_run::StageRun;

impl<B: RunBackend> StageRun<'_, B> {
    pub(super) async fn build(&mut self, build: &BuildStep) -> Result<(), StageFailure> {
        let (request, base_images) = self.build_request(build)?;
        for reference in base_images {
            // A missing image fails the build, which says so better.
            if let Ok(Some(id)) = self.backend().image_id(&reference).await {
                self.output.base_images.insert(reference, id);
            }
        }
        let (sender, receiver) = mpsc::channel(256);
        let (built, ()) = tokio::join!(
            self.backend().build(&request, sender),
            self.forward_build_log(receiver)
        );
        let image = built.map_err(|error| StageFailure::from_engine("build", error))?;
        let variant = request.target.clone().unwrap_or_default();
        self.output.images.push(BuiltImage {
            variant,
            id: image.to_string(),
        });
        self.bind("imageID", image.as_str().trim_start_matches("sha256:"));
        self.bind("imageLocalName", self.local_image_name());
        if request.inline_cache {
            self.push_layers(&image, &request.target.unwrap_or_default()).await;
        }
        Ok(())
    }

    /// Pushes the built image to the layer cache; a failure is logged, never the stage's.
    async fn push_layers(&self, image: &crate::ImageId, variant: &str) {
        let Some(layers) = &self.executor.settings.layer_cache else { return };
        let (repository, tag) = layers.image(self.scope().setup_value("project"), variant);
        let line = match self.backend().publish(image, &repository, &tag, None).await {
            Ok(digest) => format!("layers: pushed {repository}:{tag} ({digest}) for other machines' builds"),
            Err(error) => format!("layers: not shared ({error}); the build itself succeeded"),
        };
        self.log(line).await;
    }

    /// The build, and the images its Dockerfile reads.
    fn build_request(&self, build: &BuildStep) -> Result<(BuildRequest, Vec<String>), StageFailure> {
        let scope = self.scope();
        if build.excludes.is_some() {
            return Err(unsupported(
                "build.excludes: not supported yet; list the exclusions in the context's .dockerignore instead",
            ));
        }
        let context = scope.render("build.context", &build.context)?;
        if context.contains("://") {
            return Err(unsupported(
                "build.context: remote (URL) contexts are not supported yet; build from a directory",
            ));
        }
        let variant = scope.render("build.variant", &build.variant)?;
        let blubber = match &build.blubber {
            BlubberConfig::File { path, .. } => {
                BlubberInput::File(scope.render("blubberfile", path)?)
            }
            BlubberConfig::Inline { json, .. } => BlubberInput::Inline(json.clone()),
        };
        let compiled = self
            .executor
            .settings
            .dockerfiles
            .dockerfile(&blubber, &variant)
            .map_err(|problems| {
                StageFailure::new(FailureKind::Invalid, format!("build: {problems}"))
            })?;
        let pipeline = &self.stage.pipeline;
        let mut request = BuildRequest::new(compiled.text, pipeline.directory.join(&context));
        if let Some(layers) = &self.executor.settings.layer_cache {
            let (repository, tag) = layers.image(scope.setup_value("project"), &variant);
            request.cache_from.push(format!("{repository}:{tag}"));
            request.inline_cache = layers.push;
        }
        request.target = Some(variant);
        request.tags = vec![self.local_image_name()];
        request
            .labels
            .insert("ci.project".into(), scope.setup_value("project").to_owned());
        request
            .labels
            .insert("ci.pipeline".into(), pipeline.name.clone());
        Ok((request, compiled.base_images))
    }

    fn local_image_name(&self) -> String {
        local_image_name(
            &self.executor.settings.run_id,
            &self.stage.pipeline.name,
            &self.stage.planned.name,
        )
    }

    async fn forward_build_log(&self, mut events: mpsc::Receiver<BuildEvent>) {
        while let Some(event) = events.recv().await {
            self.context.log(LogSource::Build, event.plain_line()).await;
        }
    }
}

fn unsupported(message: &str) -> StageFailure {
    StageFailure::new(FailureKind::Unsupported, message)
}
