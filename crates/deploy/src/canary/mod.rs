//! Canary releases: the plan (steps, pause, analysis checks with thresholds), the
//! measurements that decide whether a release stays, and the step-by-step analysis.
//!
//! Must not know a target: targets scale replicas and report them through [`CanaryArm`];
//! this module measures and judges, and never scales, promotes or rolls back.

mod analysis;
mod analysis_check;
mod canary_arm;
mod canary_plan;
mod error_rate;
mod health_check;
mod http_probe;
mod http_response;
mod measurement;
mod measurement_phase;
mod prometheus_text;
mod request_counts;
mod step_runner;

pub use analysis::{Analysis, AnalysisFailure, ERROR_LIMIT};
pub use analysis_check::{AnalysisCheck, CheckKind, ErrorRateSpec, HttpProbeSpec};
pub use canary_arm::{ArmHealth, CanaryArm, ReplicaEndpoint, fetch};
pub use canary_plan::{CanaryPlan, CanaryStep};
pub use http_response::HttpResponse;
pub use measurement::Measurement;
pub use measurement_phase::MeasurementPhase;
pub use prometheus_text::{PrometheusText, Sample};
pub use request_counts::RequestCounts;
pub use step_runner::StepRunner;
