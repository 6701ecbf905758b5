//! [`Analysis`]: the checks of a canary plan, measured round by round and counted against
//! their limits within one step.
//!
//! Must not scale, promote or roll back anything: it says whether a step failed or passed;
//! the target acts on that.

use crate::canary::{
    CanaryArm, Measurement, error_rate::ErrorRate, health_check::measure_health,
    http_probe::measure_probe,
};
use crate::{AnalysisCheck, CheckKind, MeasurementPhase};

/// Measurements that could not be taken (scrape or probe transport errors) in a row before
/// the check fails; as Argo Rollouts' `consecutiveErrorLimit`, counted apart from failures.
pub const ERROR_LIMIT: u32 = 4;

/// The state of every check in the current step.
#[derive(Debug)]
pub struct Analysis {
    checks: Vec<CheckState>,
}

/// A check that failed past its limit, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisFailure {
    pub check: String,
    pub detail: String,
}

#[derive(Debug)]
struct CheckState {
    check: AnalysisCheck,
    failures: u32,
    errors_in_a_row: u32,
    latest: Option<Measurement>,
    error_rate: ErrorRate,
}

impl Analysis {
    pub fn new(checks: &[AnalysisCheck]) -> Self {
        let checks = checks
            .iter()
            .map(|check| CheckState {
                check: check.clone(),
                failures: 0,
                errors_in_a_row: 0,
                latest: None,
                error_rate: ErrorRate::default(),
            })
            .collect();
        Self { checks }
    }

    /// Starts counting afresh for a new step (new replicas, new scrape baselines).
    pub fn start_step(&mut self) {
        for state in &mut self.checks {
            state.failures = 0;
            state.errors_in_a_row = 0;
            state.latest = None;
            state.error_rate.reset();
        }
    }

    /// Measures every check once. Returns the measurements, and the first check that is now
    /// past its failure or error limit.
    pub async fn measure(
        &mut self,
        arm: &dyn CanaryArm,
    ) -> (Vec<Measurement>, Option<AnalysisFailure>) {
        let mut measurements = Vec::with_capacity(self.checks.len());
        let mut failure = None;
        for state in &mut self.checks {
            let measurement = state.measure(arm).await;
            if failure.is_none() {
                failure = state.count(&measurement);
            }
            measurements.push(measurement);
        }
        (measurements, failure)
    }

    /// Whether every check's latest measurement passed.
    pub fn passing(&self) -> bool {
        self.checks
            .iter()
            .all(|state| state.latest_phase() == Some(MeasurementPhase::Pass))
    }

    /// Why the step has not passed yet: the first check whose latest measurement did not pass.
    pub fn waiting_for(&self) -> Option<AnalysisFailure> {
        let state = self
            .checks
            .iter()
            .find(|state| state.latest_phase() != Some(MeasurementPhase::Pass))?;
        let detail = state
            .latest
            .as_ref()
            .map_or_else(|| "never measured".to_owned(), |m| m.detail.clone());
        Some(AnalysisFailure {
            check: state.check.name.clone(),
            detail,
        })
    }
}

impl CheckState {
    async fn measure(&mut self, arm: &dyn CanaryArm) -> Measurement {
        let name = self.check.name.as_str();
        match &self.check.kind {
            CheckKind::Health { max_unhealthy } => measure_health(name, *max_unhealthy, arm).await,
            CheckKind::HttpProbe(spec) => measure_probe(name, spec, arm).await,
            CheckKind::ErrorRate(spec) => self.error_rate.measure(name, spec, arm).await,
        }
    }

    fn count(&mut self, measurement: &Measurement) -> Option<AnalysisFailure> {
        self.latest = Some(measurement.clone());
        match measurement.phase {
            MeasurementPhase::Fail => self.failures += 1,
            MeasurementPhase::Error => self.errors_in_a_row += 1,
            MeasurementPhase::Pass | MeasurementPhase::NoData => self.errors_in_a_row = 0,
        }
        let failed =
            self.failures > self.check.failure_limit || self.errors_in_a_row >= ERROR_LIMIT;
        failed.then(|| AnalysisFailure {
            check: self.check.name.clone(),
            detail: measurement.detail.clone(),
        })
    }

    fn latest_phase(&self) -> Option<MeasurementPhase> {
        self.latest.as_ref().map(|measurement| measurement.phase)
    }
}
