//! The executor and its backend-facing vocabulary.
//!
//! This crate defines what gantry asks of a container engine — build an image
//! ([`ImageBuilder`]), run an image to completion ([`ContainerRunner`]) — and the events and
//! errors a backend reports while doing so ([`BuildEvent`], [`ContainerEvent`],
//! [`EngineError`]).
//!
//! It must not know any engine: no Docker, BuildKit or Podman types, no sockets, no
//! environment reads. Backends live in their own crates (`gantry-backend-docker`) and
//! translate their engine's messages into these types. It must not render anything for a
//! terminal either; consumers of the events do that.

mod build_event;
mod build_request;
mod container_event;
mod container_runner;
mod debug_runner;
mod engine_description;
mod engine_error;
mod image_builder;
mod image_id;
mod kept_container;
mod output_stream;
mod run_event;
mod run_outcome;
mod run_request;
pub mod scheduler;
mod stage_failure;
mod stage_output;
mod stage_report;
mod terminal_io;

use std::future::Future;
use std::pin::Pin;

pub use build_event::{BuildEvent, StepId};
pub use build_request::BuildRequest;
pub use container_event::ContainerEvent;
pub use container_runner::ContainerRunner;
pub use debug_runner::DebugRunner;
pub use engine_description::EngineDescription;
pub use engine_error::EngineError;
pub use image_builder::ImageBuilder;
pub use image_id::ImageId;
pub use kept_container::{KEPT_LABEL, KeptContainer, PIPELINE_LABEL, STAGE_LABEL};
pub use output_stream::OutputStream;
pub use run_event::{
    LogSource, PipelineSummary, RUN_EVENT_VERSION, RunEvent, RunEventLine, StageRef, StageSummary, Timestamp,
};
pub use run_outcome::RunOutcome;
pub use run_request::{RUN_LABEL, RunRequest};
pub use stage_failure::{FailureKind, StageFailure};
pub use stage_output::{BindingValue, BuiltImage, PublishedImage, StageOutput};
pub use stage_report::{StageReport, StageStatus};
pub use terminal_io::{TerminalIo, TerminalSize};

/// The future a backend operation returns: boxed so that the backend traits stay
/// object-safe (`Arc<dyn ImageBuilder>`), `Send` so that it can run on any tokio worker.
pub type EngineFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, EngineError>> + Send + 'a>>;
