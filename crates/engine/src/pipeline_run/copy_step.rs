//! The `copy` step: paths copied out of a kept container (the stage's own by default) into
//! `<artifacts>/<pipeline>/<stage>/<destination>`; binds `artifactURLs` (the local paths of
//! the entries marked `archive`, one per line).
//!
//! Must not write outside the stage's artifacts directory: destinations are sanitized as
//! PipelineLib sanitizes them.

use std::path::{Path, PathBuf};

use gantry_plan::{CopyStep, sanitize_relative_path};

use crate::{EngineError, FailureKind, StageFailure};

use super::RunBackend;
use super::stage_run::StageRun;

impl<B: RunBackend> StageRun<'_, B> {
    pub(super) async fn copy(&mut self, copies: &[CopyStep]) -> Result<(), StageFailure> {
        let mut urls = Vec::new();
        for copy in copies {
            let (from, source, destination) = self.copy_paths(copy)?;
            let written = self
                .backend()
                .copy_out(&from, &source, &destination)
                .await
                .map_err(copy_failure)?;
            self.log(format!("copy: {source} → {}", self.shown(&destination)))
                .await;
            let files: Vec<String> = written.iter().map(|file| self.shown(file)).collect();
            self.output.files.extend(files);
            urls.push(if copy.archive {
                self.shown(&destination)
            } else {
                String::new()
            });
        }
        self.bind("artifactURLs", urls.join("\n"));
        Ok(())
    }

    fn copy_paths(&self, copy: &CopyStep) -> Result<(String, String, PathBuf), StageFailure> {
        let scope = self.scope();
        let from = scope.render("copy.from", &copy.from)?;
        let source = scope.render("copy.source", &copy.source)?;
        let destination =
            sanitize_relative_path(&scope.render("copy.destination", &copy.destination)?);
        let settings = &self.executor.settings;
        let root = settings
            .artifacts_dir
            .join(&self.stage.pipeline.name)
            .join(&self.stage.planned.name);
        Ok((from, source, root.join(destination)))
    }

    /// A path as the user sees it: relative to the repository root when inside it.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.executor.settings.repo_root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// A path the container does not have is the stage's mistake; an engine that does not
/// answer is infrastructure.
fn copy_failure(error: EngineError) -> StageFailure {
    match error {
        EngineError::Engine { .. } => {
            StageFailure::new(FailureKind::Step, format!("copy: {error}"))
        }
        other => StageFailure::from_engine("copy", other),
    }
}
