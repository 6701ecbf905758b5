//! The `run` step: the stage's image (by ID, as PipelineLib runs `sha256:<image>`) in a
//! container with the stage's arguments, environment and credentials; its exit status decides
//! the stage. Binds `container` (kept, stopped, for `copy`) and `output` (the last `tail`
//! lines of standard output).
//!
//! Must not show secrets: output lines and the recorded environment are redacted.

use std::collections::{BTreeMap, VecDeque};

use gantry_plan::{RunStep, is_image_id};
use tokio::sync::mpsc;

use crate::{
    ContainerEvent, FailureKind, KEPT_LABEL, LogSource, OutputStream, PIPELINE_LABEL, RunRequest,
    STAGE_LABEL, StageFailure,
};

use super::RunBackend;
use super::secret_redactor::REDACTED;
use super::stage_run::StageRun;

impl<B: RunBackend> StageRun<'_, B> {
    pub(super) async fn run(&mut self, run: &RunStep) -> Result<(), StageFailure> {
        let request = self.run_request(run)?;
        self.output.environment = self.recorded_environment(&request.env, run);
        let arguments = request.command.iter().flatten();
        self.output.arguments = arguments
            .map(|a| self.executor.redactor.redact(a).into_owned())
            .collect();
        let (sender, receiver) = mpsc::channel(256);
        let (kept, output) = tokio::join!(
            self.backend().run_kept(&request, sender),
            self.forward_output(receiver, run.tail)
        );
        let kept = kept.map_err(|error| StageFailure::from_engine("run", error))?;
        self.output.exit_code = Some(kept.exit_code);
        self.bind("container", kept.container_id);
        self.bind("output", output);
        match kept.exit_code {
            0 => Ok(()),
            status => Err(StageFailure::new(
                FailureKind::Step,
                format!("run: the container exited with status {status}"),
            )),
        }
    }

    pub(super) fn run_request(&self, run: &RunStep) -> Result<RunRequest, StageFailure> {
        let scope = self.scope();
        let image = scope.render("run.image", &run.image)?;
        let id = image.trim_start_matches("sha256:");
        if !is_image_id(id) {
            let message = format!(
                "run.image: {image:?} is not an image ID; PipelineLib runs `sha256:<image>`, so name a built image as '${{<stage>.imageID}}'"
            );
            return Err(StageFailure::new(FailureKind::Invalid, message));
        }
        let mut request = RunRequest::new(
            self.executor.settings.run_id.clone(),
            format!("sha256:{id}"),
        );
        let arguments = scope.render_all("run.arguments", &run.arguments)?;
        if !arguments.is_empty() {
            request.command = Some(arguments);
        }
        for (name, value) in &run.env {
            request.env.insert(
                scope.render("run.env", name)?,
                scope.render("run.env", value)?,
            );
        }
        for credential in &run.credentials {
            let secret = self
                .executor
                .settings
                .credentials
                .get(&credential.id)
                .ok_or_else(|| {
                    StageFailure::new(
                        FailureKind::Invalid,
                        format!(
                            "run.credentials: credential '{}' was not provided",
                            credential.id
                        ),
                    )
                })?;
            request.env.insert(credential.name.clone(), secret.clone());
        }
        self.label_stage(&mut request);
        if self.executor.settings.keep_failed {
            let run_id = self.executor.settings.run_id.clone();
            request.labels.insert(KEPT_LABEL.into(), run_id);
        }
        Ok(request)
    }

    /// Labels `request`'s container with this stage's pipeline and name.
    pub(super) fn label_stage(&self, request: &mut RunRequest) {
        let labels = &mut request.labels;
        labels.insert(PIPELINE_LABEL.into(), self.stage.pipeline.name.clone());
        labels.insert(STAGE_LABEL.into(), self.stage.planned.name.clone());
    }

    fn recorded_environment(
        &self,
        env: &BTreeMap<String, String>,
        run: &RunStep,
    ) -> BTreeMap<String, String> {
        let is_credential = |name: &str| run.credentials.iter().any(|c| c.name == name);
        env.iter()
            .map(|(name, value)| {
                let value = match is_credential(name) {
                    true => REDACTED.to_owned(),
                    false => self.executor.redactor.redact(value).into_owned(),
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// Logs the container's output, redacted, and returns PipelineLib's `output`: the last
    /// `tail` lines of standard output, each ending in a newline (`""` for no tail).
    async fn forward_output(
        &self,
        mut events: mpsc::Receiver<ContainerEvent>,
        tail: u32,
    ) -> String {
        let keep = usize::try_from(tail).unwrap_or(usize::MAX);
        let mut last: VecDeque<String> = VecDeque::new();
        while let Some(event) = events.recv().await {
            let ContainerEvent::Output { stream, line } = event else {
                continue;
            };
            let line = self.executor.redactor.redact(&line).into_owned();
            let source = match stream {
                OutputStream::Stdout => LogSource::Stdout,
                OutputStream::Stderr => LogSource::Stderr,
            };
            if source == LogSource::Stdout && keep > 0 {
                if last.len() == keep {
                    last.pop_front();
                }
                last.push_back(line.clone());
            }
            self.context.log(source, line).await;
        }
        last.into_iter().map(|line| line + "\n").collect()
    }
}
