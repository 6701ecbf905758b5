//! Measuring a [`CheckKind::Health`](crate::CheckKind) check: failed and missing replicas.
//!
//! Must not wait for replicas: one look at the target per measurement.

use crate::MeasurementPhase;
use crate::canary::{ArmHealth, CanaryArm, Measurement};

/// Fails when more than `max_unhealthy` replicas failed since the canary started; no data
/// while fewer replicas run than desired (they may still be starting).
pub async fn measure_health(name: &str, max_unhealthy: u32, arm: &dyn CanaryArm) -> Measurement {
    match arm.health().await {
        Ok(health) => judge(name, max_unhealthy, &health),
        Err(error) => Measurement::new(name, MeasurementPhase::Error, None, error.to_string()),
    }
}

fn judge(name: &str, max_unhealthy: u32, health: &ArmHealth) -> Measurement {
    let value = Some(f64::from(health.failed));
    let counts = format!(
        "{} of {} replicas running, {} failed",
        health.running, health.desired, health.failed
    );
    if health.failed > max_unhealthy {
        let last = health
            .failures
            .first()
            .map(|reason| format!(" (last: {reason})"))
            .unwrap_or_default();
        let detail = format!("{counts}, more than {max_unhealthy} allowed{last}");
        return Measurement::new(name, MeasurementPhase::Fail, value, detail);
    }
    let phase = if health.running >= health.desired {
        MeasurementPhase::Pass
    } else {
        MeasurementPhase::NoData
    };
    Measurement::new(name, phase, value, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(desired: u32, running: u32, failed: u32) -> ArmHealth {
        ArmHealth {
            desired,
            running,
            failed,
            failures: vec!["task: non-zero exit (137): unhealthy container".into()],
        }
    }

    #[test]
    fn failed_replicas_beyond_the_limit_fail() {
        let measured = judge("health", 0, &health(1, 0, 1));
        assert_eq!(measured.phase, MeasurementPhase::Fail);
        assert!(
            measured.detail.contains("unhealthy container"),
            "{}",
            measured.detail
        );
        assert_eq!(
            judge("health", 1, &health(1, 1, 1)).phase,
            MeasurementPhase::Pass
        );
    }

    #[test]
    fn starting_replicas_are_no_data() {
        assert_eq!(
            judge("health", 0, &health(2, 1, 0)).phase,
            MeasurementPhase::NoData
        );
    }
}
