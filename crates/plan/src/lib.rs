//! gantry's planner: from a decoded `.pipeline/config.yaml` and a request (pipelines,
//! `--stage`, `--skip`, known `setup` values) to a [`Plan`] the executor runs.
//!
//! - [`plan`] validates each selected pipeline's execution graph (cycles reported whole,
//!   unknown names with "did you mean"), applies PipelineLib's defaults (a name-only stage
//!   builds and runs the variant of that name; without `execution`, stages run in file
//!   order), resolves `${...}` variables scoped by DAG ancestry as far as the plan can, and
//!   orders the selected stages topologically, stable by file order.
//! - [`Text`] holds what the executor still has to fill in at run time, and renders it with
//!   PipelineLib's rules.
//! - [`render`] prints plans for `gantry plan`, `gantry list` and `gantry graph`.
//! - [`check_blubber_references`] and [`check_blubber_files`] are `gantry check`'s look at
//!   the Blubber files a plan builds from.
//!
//! This crate is pure: no I/O, no environment, no async. Problems come back as
//! [`Diagnostic`](gantry_spec::Diagnostic)s with a file, a span and a help line, all at once.

mod bindings;
mod blubber_check;
mod graph;
mod naming;
mod plan;
mod planner;
pub mod render;
mod request;
mod resolver;
mod selection;
mod stage_planner;
mod steps;
mod text;
mod value;

pub use blubber_check::{BlubberFileState, BlubberSources, check_blubber_files, check_blubber_references};
pub use naming::{
    PROMOTE_ENVIRONMENTS, PUBLIC_IMAGE_PREFIX, image_full_name, image_name_allowed, is_image_id, sanitize_image_part,
    sanitize_relative_path,
};
pub use plan::{BlubberUse, FetchOptions, PipelinePlan, Plan, PlannedStage, StageOrigin};
pub use planner::plan;
pub use render::{GraphFormat, render_graph, render_list, render_plan};
pub use request::PlanRequest;
pub use resolver::SETUP_KEYS;
pub use steps::{
    BlubberConfig, BuildStep, CopyStep, CredentialRef, DeployStep, ExportStep, NotifyStep, PromoteStep, PublishStep,
    RunStep, Steps, TriggerStep,
};
pub use text::{BindingRef, Bound, Segment, Text, UnboundName};
pub use value::Value;
