//! The `run` step's interactive replacement (see [`InteractiveStage`]): the container the
//! `run` step would start — or, for a stage without one, a container of the image its `build`
//! step made, with the variant's own user, environment and working directory — attached to
//! the user's terminal, running the session's command. Its exit status decides the stage.
//!
//! Must not run the stage's command, nor any step after `run`: the user is in charge.

use gantry_plan::RunStep;

use crate::{FailureKind, RunRequest, StageFailure};

use super::RunBackend;
use super::interactive_stage::InteractiveStage;
use super::stage_run::StageRun;

impl<B: RunBackend> StageRun<'_, B> {
    pub(super) async fn shell(&mut self, shell: &InteractiveStage, run: Option<&RunStep>) -> Result<(), StageFailure> {
        let mut request = match run {
            Some(run) => self.run_request(run)?,
            None => self.built_image_request()?,
        };
        request.entrypoint = Some(shell.command.clone());
        request.command = None;
        self.log(format!("shell: {} in a container of {} (the stage's command does not run)", shell.command.join(" "), request.image)).await;
        let terminal = shell.terminal.open();
        let status = self.backend().run_attached(&request, terminal.io).await;
        drop(terminal.release);
        let status = status.map_err(|error| StageFailure::from_engine("shell", error))?;
        shell.ended(status);
        self.output.exit_code = Some(status);
        match status {
            0 => Ok(()),
            status => Err(StageFailure::new(FailureKind::Step, format!("shell: exited with status {status}"))),
        }
    }

    /// A container of the image this stage built, as the image defines it.
    fn built_image_request(&self) -> Result<RunRequest, StageFailure> {
        let Some(image) = self.output.images.last() else {
            let message = "shell: the stage has neither a `build` nor a `run` step, so it has no container to open";
            return Err(StageFailure::new(FailureKind::Invalid, message));
        };
        let mut request = RunRequest::new(self.executor.settings.run_id.clone(), image.id.clone());
        self.label_stage(&mut request);
        Ok(request)
    }

    /// The session to open in place of this stage's `run` step, if the run has one for it.
    pub(super) fn interactive(&self) -> Option<std::sync::Arc<InteractiveStage>> {
        let interactive = self.executor.settings.interactive.as_ref()?;
        let wanted = &interactive.stage;
        let here = wanted.pipeline == self.stage.pipeline.name && wanted.stage == self.stage.planned.name;
        here.then(|| interactive.clone())
    }
}
