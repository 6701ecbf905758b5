//! The executor and its backend-facing vocabulary.
//!
//! This crate defines what gantry asks of a container engine — build an image
//! ([`ImageBuilder`]), run an image to completion ([`ContainerRunner`]) or keep it for copying
//! files out ([`StageContainers`]), push it ([`ImagePublisher`]), remove what a run created
//! ([`RunCleanup`]) — and the events and errors a backend reports while doing so
//! ([`BuildEvent`], [`ContainerEvent`], [`EngineError`]).
//!
//! On top of those traits it runs pipelines: [`scheduler`] runs a DAG of stages with bounded
//! parallelism, fail-fast or keep-going, timeouts and cancellation, generic over a
//! [`StageExecutor`](scheduler::StageExecutor); [`pipeline_run`] executes PipelineLib stages
//! with it. A run reports one closed stream of [`RunEvent`]s; displays and recorders consume
//! it and never decide outcomes.
//!
//! It must not know any engine: no Docker, BuildKit or Podman types, no sockets, no
//! environment reads. Backends live in their own crates (`gantry-backend-docker`) and
//! translate their engine's messages into these types. It must not render anything for a
//! terminal either; consumers of the events do that.

mod build_event;
mod build_log_line;
mod build_request;
mod container_event;
mod container_runner;
mod debug_runner;
mod engine_description;
mod dockerfile_source;
mod engine_error;
mod image_builder;
mod image_id;
mod image_publisher;
mod kept_container;
mod output_stream;
mod release_steps;
pub mod pipeline_run;
mod run_cleanup;
mod run_event;
mod run_outcome;
mod run_request;
pub mod scheduler;
mod stage_containers;
mod stage_cache;
mod stage_failure;
mod stage_output;
mod stage_report;
mod terminal_io;

use std::future::Future;
use std::pin::Pin;

pub use build_event::{BuildEvent, StepId};
pub use build_log_line::seconds;
pub use build_request::BuildRequest;
pub use container_event::ContainerEvent;
pub use container_runner::ContainerRunner;
pub use debug_runner::DebugRunner;
pub use engine_description::EngineDescription;
pub use dockerfile_source::{BlubberInput, CompiledDockerfile, DockerfileSource};
pub use engine_error::EngineError;
pub use image_builder::ImageBuilder;
pub use image_id::ImageId;
pub use image_publisher::{ImagePublisher, RegistryAuth};
pub use kept_container::{KEPT_LABEL, KeptContainer, PIPELINE_LABEL, STAGE_LABEL};
pub use output_stream::OutputStream;
pub use run_event::{
    LogSource, PipelineSummary, RUN_EVENT_VERSION, RunEvent, RunEventLine, StageRef, StageSummary, Timestamp,
};
pub use release_steps::{
    ChartDeploy, ChartPromotion, ChartRelease, PromotedChart, ReleaseFuture, ReleaseStepError, ReleaseSteps,
};
pub use run_outcome::RunOutcome;
pub use run_cleanup::{RemovedResources, RunCleanup};
pub use run_request::{RUN_LABEL, RunRequest};
pub use stage_containers::{KeptRun, StageContainers};
pub use stage_cache::{CacheFuture, CacheLookup, CachedFailure, CachedResult, StageCache};
pub use stage_failure::{FailureKind, StageFailure};
pub use stage_output::{BindingValue, BuiltImage, PublishedImage, StageOutput};
pub use stage_report::{StageReport, StageStatus};
pub use terminal_io::{OpenTerminal, TerminalIo, TerminalOpener, TerminalSize};

/// The future a backend operation returns: boxed so that the backend traits stay
/// object-safe (`Arc<dyn ImageBuilder>`), `Send` so that it can run on any tokio worker.
pub type EngineFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, EngineError>> + Send + 'a>>;
