//! [`MeasurementPhase`]: the verdict of one measurement.
//!
//! Must not decide the release; the analysis counts verdicts against limits.

use serde::{Deserialize, Serialize};

/// Pass, fail, no data (e.g. no requests yet), or error (the measurement itself failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementPhase {
    Pass,
    Fail,
    NoData,
    Error,
}
