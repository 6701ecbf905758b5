//! PipelineLib `.pipeline/config.yaml`: decoding with PipelineLib's schema and messages into
//! a typed [`PipelineFile`] whose interpolated strings are lexed [`Template`]s with spans.
//!
//! This module must not apply defaults, build execution graphs or resolve variables: that is
//! the planner's job (`gantry-plan`), on the pipelines a user selected.

pub mod decode;
pub mod inline_json;
pub mod pipeline_file;
pub mod stage;
pub mod steps;
pub mod template;
pub mod template_value;

pub use decode::{RESERVED_STAGE_NAMES, parse};
pub use pipeline_file::{BlubberSource, ExecutionArc, Fetch, Pipeline, PipelineFile};
pub use stage::Stage;
pub use steps::{Build, CopyEntry, Credential, Deploy, Export, Notify, Promote, Publish, PublishImage, Run, Trigger};
pub use template::{ColumnMap, InvalidExpression, Template, TemplatePart, Variable};
pub use template_value::TemplateValue;
