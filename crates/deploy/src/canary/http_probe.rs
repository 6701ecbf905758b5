//! Measuring a [`CheckKind::HttpProbe`](crate::CheckKind) check: a GET on every replica.
//!
//! Must not retry a failed request: a failure is a measurement, and the check's failure limit
//! decides what it means.

use std::time::Duration;

use crate::MeasurementPhase;
use crate::canary::{CanaryArm, HttpProbeSpec, Measurement, ReplicaEndpoint, fetch};

/// Probes every running replica; the slowest latency is the value.
pub async fn measure_probe(name: &str, spec: &HttpProbeSpec, arm: &dyn CanaryArm) -> Measurement {
    let endpoints = match arm.endpoints().await {
        Ok(endpoints) => endpoints,
        Err(error) => {
            return Measurement::new(name, MeasurementPhase::Error, None, error.to_string());
        }
    };
    if endpoints.is_empty() {
        return Measurement::new(
            name,
            MeasurementPhase::NoData,
            None,
            "no replica is running yet",
        );
    }
    let mut slowest = Duration::ZERO;
    for endpoint in &endpoints {
        match probe(arm, endpoint, spec).await {
            Ok(latency) => slowest = slowest.max(latency),
            Err(detail) => return Measurement::new(name, MeasurementPhase::Fail, None, detail),
        }
    }
    let millis = slowest.as_secs_f64() * 1000.0;
    let detail = format!(
        "GET {} answered {} on {} replicas, slowest in {millis:.0} ms",
        spec.path,
        spec.expect_status,
        endpoints.len()
    );
    Measurement::new(name, MeasurementPhase::Pass, Some(millis), detail)
}

async fn probe(
    arm: &dyn CanaryArm,
    endpoint: &ReplicaEndpoint,
    spec: &HttpProbeSpec,
) -> Result<Duration, String> {
    let (at, path) = (endpoint.authority(), &spec.path);
    let response = fetch(arm, endpoint, path, spec.timeout).await?;
    if response.status != spec.expect_status {
        return Err(format!(
            "GET {path} on {at} answered {}, expected {}",
            response.status, spec.expect_status
        ));
    }
    match spec.max_latency {
        Some(max) if response.latency > max => Err(format!(
            "GET {path} on {at} took {} ms, more than {} ms",
            response.latency.as_millis(),
            max.as_millis()
        )),
        _ => Ok(response.latency),
    }
}
