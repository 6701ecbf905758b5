//! Canary releases: the plan (steps, pause, analysis checks with thresholds) and the
//! measurements that decide whether a release stays.
//!
//! Must not know a target: targets scale replicas and read task health, this module says
//! what to measure and judges the measurements. Must not sleep on its own clock where a test
//! needs to pass time: the caller drives the schedule.

mod analysis_check;
mod canary_plan;
mod measurement_phase;

pub use analysis_check::{AnalysisCheck, CheckKind};
pub use canary_plan::{CanaryPlan, CanaryStep};
pub use measurement_phase::MeasurementPhase;
