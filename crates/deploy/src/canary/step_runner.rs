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
                let (check, phase, value, detail) = (
                    measurement.check,
                    measurement.phase,
                    measurement.value,
                    measurement.detail,
                );
                self.send(DeployEvent::Measured {
                    step,
                    check,
                    phase,
                    value,
                    detail,
                    at,
                })
                .await;
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
    let check = waiting
        .as_ref()
        .map_or_else(String::new, |failure| failure.check.clone());
    let last = waiting.map_or_else(String::new, |failure| failure.detail);
    let detail = format!("not passing {waited:?} after the pause (last: {last})");
    AnalysisFailure { check, detail }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tokio::net::TcpStream;

    use super::*;
    use crate::canary::{ArmHealth, ReplicaEndpoint};
    use crate::{AnalysisCheck, CheckKind, DeployError, DeployFuture, MeasurementPhase};

    /// Replicas whose health follows a script, one answer per measurement (the last repeats).
    struct ScriptedArm {
        answers: Mutex<Vec<ArmHealth>>,
    }

    impl CanaryArm for ScriptedArm {
        fn health(&self) -> DeployFuture<'_, ArmHealth> {
            let mut answers = self
                .answers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let answer = if answers.len() > 1 {
                answers.remove(0)
            } else {
                answers[0].clone()
            };
            Box::pin(async move { Ok(answer) })
        }

        fn endpoints(&self) -> DeployFuture<'_, Vec<ReplicaEndpoint>> {
            Box::pin(async { Ok(Vec::new()) })
        }

        fn connect<'a>(&'a self, _: &'a ReplicaEndpoint) -> DeployFuture<'a, TcpStream> {
            Box::pin(async { Err(DeployError::Invalid("no network in this test".into())) })
        }
    }

    fn health(running: u32, failed: u32) -> ArmHealth {
        ArmHealth {
            desired: 2,
            running,
            failed,
            failures: vec!["unhealthy container".into()],
        }
    }

    fn plan(failure_limit: u32) -> CanaryPlan {
        CanaryPlan {
            steps: Vec::new(),
            pause: Duration::from_millis(30),
            interval: Duration::from_millis(5),
            no_data_timeout: Duration::from_millis(50),
            checks: vec![AnalysisCheck {
                name: "health".into(),
                kind: CheckKind::Health { max_unhealthy: 0 },
                failure_limit,
            }],
        }
    }

    async fn run(
        plan: &CanaryPlan,
        script: Vec<ArmHealth>,
    ) -> (Result<(), AnalysisFailure>, Vec<DeployEvent>) {
        let arm = ScriptedArm {
            answers: Mutex::new(script),
        };
        let (events, mut receiver) = mpsc::channel(1024);
        let result = StepRunner {
            plan,
            arm: &arm,
            events: &events,
        }
        .run(0, &mut Analysis::new(&plan.checks))
        .await;
        drop(events);
        let mut seen = Vec::new();
        while let Some(event) = receiver.recv().await {
            seen.push(event);
        }
        (result, seen)
    }

    #[tokio::test]
    async fn passes_after_the_pause_once_every_check_passes() {
        let (result, events) = run(&plan(0), vec![health(1, 0), health(2, 0)]).await;
        assert_eq!(result, Ok(()));
        assert!(matches!(
            events.first(),
            Some(DeployEvent::Measured {
                phase: MeasurementPhase::NoData,
                ..
            })
        ));
        assert!(matches!(
            events.last(),
            Some(DeployEvent::StepPassed { step: 0 })
        ));
    }

    #[tokio::test]
    async fn a_failure_beyond_the_limit_fails_the_step_at_once() {
        let (result, _) = run(&plan(0), vec![health(1, 1)]).await;
        let failure = result.unwrap_err();
        assert_eq!(failure.check, "health");
        assert!(
            failure.detail.contains("unhealthy container"),
            "{}",
            failure.detail
        );
    }

    #[tokio::test]
    async fn failures_within_the_limit_are_tolerated() {
        let (result, _) = run(&plan(1), vec![health(2, 1), health(2, 0)]).await;
        assert_eq!(result, Ok(()));
    }

    #[tokio::test]
    async fn no_data_past_the_timeout_fails_with_the_last_word() {
        let (result, _) = run(&plan(0), vec![health(1, 0)]).await;
        let failure = result.unwrap_err();
        assert!(
            failure
                .detail
                .starts_with("not passing 50ms after the pause (last: 1 of 2 replicas running"),
            "{}",
            failure.detail
        );
    }
}
