//! [`CanaryPlan`]: the steps of a canary release, the pause between them, and the checks
//! that run during each pause.
//!
//! Must not measure anything; it is the plan only.

use std::time::Duration;

use crate::{AnalysisCheck, DeployError};

/// Steps of a rollout with analysis, e.g. 10 % → 50 % → 100 % of replicas.
#[derive(Debug, Clone, PartialEq)]
pub struct CanaryPlan {
    /// Strictly increasing shares of replicas; the last is usually 100.
    pub steps: Vec<CanaryStep>,
    /// How long each step runs (and is analysed) before the next one.
    pub pause: Duration,
    /// Time between two measurements of a check.
    pub interval: Duration,
    /// How long past its pause a step waits for every check to pass (replicas still
    /// starting, no requests counted yet) before the release fails for lack of data.
    pub no_data_timeout: Duration,
    pub checks: Vec<AnalysisCheck>,
}

/// One step: this share of the replicas runs the new release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CanaryStep {
    /// 1 to 100.
    pub percent: u8,
}

impl CanaryStep {
    /// The replicas (of `total`) this step gives the new release: at least one, at most
    /// `total`, rounded up.
    pub fn replicas(self, total: u32) -> u32 {
        let share = (u64::from(total) * u64::from(self.percent)).div_ceil(100);
        u32::try_from(share).unwrap_or(total).clamp(1, total.max(1))
    }
}

impl CanaryPlan {
    /// Checks that steps are in 1..=100 and increasing, and that the interval is not zero.
    pub fn validate(&self) -> Result<(), DeployError> {
        if self.steps.is_empty() {
            return Err(DeployError::Invalid(
                "a canary plan needs at least one step".into(),
            ));
        }
        let in_range = self
            .steps
            .iter()
            .all(|step| (1..=100).contains(&step.percent));
        let increasing = self
            .steps
            .windows(2)
            .all(|pair| pair[0].percent < pair[1].percent);
        if !in_range || !increasing {
            return Err(DeployError::Invalid(
                "canary steps must be increasing percentages from 1 to 100".into(),
            ));
        }
        if self.interval.is_zero() {
            return Err(DeployError::Invalid(
                "the analysis interval must be longer than zero".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(percents: &[u8]) -> CanaryPlan {
        CanaryPlan {
            steps: percents
                .iter()
                .map(|&percent| CanaryStep { percent })
                .collect(),
            pause: Duration::from_secs(1),
            interval: Duration::from_secs(1),
            no_data_timeout: Duration::from_secs(1),
            checks: Vec::new(),
        }
    }

    #[test]
    fn step_replicas_round_up_and_stay_within_the_total() {
        let replicas: Vec<u32> = [1, 10, 33, 34, 50, 67, 100]
            .iter()
            .map(|&percent| CanaryStep { percent }.replicas(3))
            .collect();
        assert_eq!(replicas, [1, 1, 1, 2, 2, 3, 3]);
        assert_eq!(CanaryStep { percent: 100 }.replicas(1), 1);
    }

    #[test]
    fn steps_must_increase_within_1_to_100() {
        assert!(plan(&[10, 50, 100]).validate().is_ok());
        for bad in [&[][..], &[50, 50], &[0, 100], &[50, 101]] {
            assert!(plan(bad).validate().is_err(), "{bad:?}");
        }
    }
}
