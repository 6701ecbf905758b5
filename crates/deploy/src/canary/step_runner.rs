//! [`StepRunner`]: one canary step's analysis over time: measure every interval until the
//! pause is over and every check passes, or until a check fails.
//!
//! Must not change replicas; the target scales before and acts after. It reports every
//! measurement as a [`DeployEvent`].

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::canary::{Analysis, AnalysisFailure, CanaryArm};
use crate::{CanaryPlan, DeployEvent, Timestamp};

/// Runs the analysis of the steps of one canary.
pub struct StepRunner<'a> {
    pub plan: &'a CanaryPlan,
    pub arm: &'a dyn CanaryArm,
    pub events: &'a mpsc::Sender<DeployEvent>,
}

impl StepRunner<'_> {
    /// Analyses step `step` for at least the plan's pause. Fails when a check fails past its
    /// limit, or when the checks have not all passed `no_data_timeout` after the pause.
    pub async fn run(&self, step: usize, analysis: &mut Analysis) -> Result<(), AnalysisFailure> {
        analysis.start_step();
        let started = Instant::now();
        let give_up = started + self.plan.pause + self.plan.no_data_timeout;
        loop {
            let round = Instant::now();
            let (measurements, failure) = analysis.measure(self.arm).await;
            for measurement in measurements {
                let at = Timestamp::now_utc();
                let (check, phase, value, detail) = (measurement.check, measurement.phase, measurement.value, measurement.detail);
                self.send(DeployEvent::Measured { step, check, phase, value, detail, at }).await;
            }
            if let Some(failure) = failure {
                return Err(failure);
            }
            if started.elapsed() >= self.plan.pause && analysis.passing() {
                self.send(DeployEvent::StepPassed { step }).await;
                return Ok(());
            }
            if Instant::now() >= give_up {
                return Err(no_data(analysis, self.plan.no_data_timeout));
            }
            tokio::time::sleep_until(round + self.plan.interval).await;
        }
    }

    async fn send(&self, event: DeployEvent) {
        // A display that went away does not stop the deploy.
        let _ = self.events.send(event).await;
    }
}

fn no_data(analysis: &Analysis, waited: Duration) -> AnalysisFailure {
    let waiting = analysis.waiting_for();
    let check = waiting.as_ref().map_or_else(String::new, |failure| failure.check.clone());
    let last = waiting.map_or_else(String::new, |failure| failure.detail);
    let detail = format!("not passing {} s after the pause (last: {last})", waited.as_secs());
    AnalysisFailure { check, detail }
}
