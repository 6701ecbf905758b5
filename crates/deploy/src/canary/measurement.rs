//! [`Measurement`]: one check's verdict at one moment, with the value behind it.
//!
//! Must not count verdicts against limits; [`Analysis`](crate::canary::Analysis) does that.

use crate::MeasurementPhase;

/// The result of measuring one check once.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub check: String,
    pub phase: MeasurementPhase,
    /// The measured value (an error ratio, a latency in ms, a count of failed replicas).
    pub value: Option<f64>,
    /// What was seen, in words, e.g. "error ratio 0.50 > 0.05 over 20 requests".
    pub detail: String,
}

impl Measurement {
    pub fn new(
        check: &str,
        phase: MeasurementPhase,
        value: Option<f64>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            check: check.to_owned(),
            phase,
            value,
            detail: detail.into(),
        }
    }
}
