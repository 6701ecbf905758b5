//! [`ErrorRate`]: measuring a [`CheckKind::ErrorRate`](crate::CheckKind) check: scrape every
//! replica's Prometheus endpoint and judge the error ratio of the requests counted since the
//! previous scrape.
//!
//! Must not compare with the stable release (that needs sample sizes this check does not
//! collect); it applies an absolute threshold per window.

use std::collections::HashMap;

use crate::MeasurementPhase;
use crate::canary::{
    CanaryArm, ErrorRateSpec, Measurement, PrometheusText, ReplicaEndpoint, RequestCounts, fetch,
};

/// How long one scrape may take.
const SCRAPE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The counts each replica showed at its previous scrape.
#[derive(Debug, Default)]
pub struct ErrorRate {
    previous: HashMap<String, RequestCounts>,
}

impl ErrorRate {
    /// Forgets earlier scrapes: the next measurement only sets the baseline.
    pub fn reset(&mut self) {
        self.previous.clear();
    }

    /// Scrapes every running replica and judges the window since the previous scrape.
    pub async fn measure(
        &mut self,
        name: &str,
        query: &ErrorRateSpec,
        arm: &dyn CanaryArm,
    ) -> Measurement {
        let endpoints = match arm.endpoints().await {
            Ok(endpoints) => endpoints,
            Err(error) => {
                return Measurement::new(name, MeasurementPhase::Error, None, error.to_string());
            }
        };
        let mut window = RequestCounts::default();
        for endpoint in &endpoints {
            let counts = match scrape(arm, endpoint, query).await {
                Ok(counts) => counts,
                Err(detail) => {
                    return Measurement::new(name, MeasurementPhase::Error, None, detail);
                }
            };
            if let Some(earlier) = self.previous.insert(endpoint.replica.clone(), counts) {
                window = window.plus(counts.since(earlier));
            }
        }
        judge(name, query, window)
    }
}

async fn scrape(
    arm: &dyn CanaryArm,
    endpoint: &ReplicaEndpoint,
    query: &ErrorRateSpec,
) -> Result<RequestCounts, String> {
    let (at, path) = (endpoint.authority(), &query.path);
    let response = fetch(arm, endpoint, path, SCRAPE_TIMEOUT).await?;
    if response.status != 200 {
        return Err(format!("GET {path} on {at}: status {}", response.status));
    }
    let text = PrometheusText::parse(&response.body)
        .map_err(|error| format!("GET {path} on {at}: {error}"))?;
    Ok(RequestCounts::from_scrape(
        &text,
        &query.metric,
        &query.label,
        &query.error_prefix,
    ))
}

fn judge(name: &str, query: &ErrorRateSpec, window: RequestCounts) -> Measurement {
    let requests = window.total;
    let ratio = match window.error_ratio() {
        Some(ratio) if requests >= query.min_requests as f64 => ratio,
        _ => {
            let detail = format!(
                "{requests} requests counted since the last scrape, fewer than {}",
                query.min_requests.max(1)
            );
            return Measurement::new(name, MeasurementPhase::NoData, None, detail);
        }
    };
    let (phase, comparison) = if ratio > query.max_ratio {
        (MeasurementPhase::Fail, ">")
    } else {
        (MeasurementPhase::Pass, "<=")
    };
    let detail = format!(
        "error ratio {ratio:.3} {comparison} {} over {requests} requests",
        query.max_ratio
    );
    Measurement::new(name, phase, Some(ratio), detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(min_requests: u64) -> ErrorRateSpec {
        ErrorRateSpec {
            min_requests,
            ..ErrorRateSpec::http_requests("/metrics", 0.05)
        }
    }

    #[test]
    fn judges_the_window_against_the_threshold() {
        let bad = judge(
            "errors",
            &query(10),
            RequestCounts {
                total: 20.0,
                errors: 10.0,
            },
        );
        assert_eq!(bad.phase, MeasurementPhase::Fail);
        assert_eq!(bad.detail, "error ratio 0.500 > 0.05 over 20 requests");
        let good = judge(
            "errors",
            &query(10),
            RequestCounts {
                total: 20.0,
                errors: 1.0,
            },
        );
        assert_eq!(good.phase, MeasurementPhase::Pass);
    }

    #[test]
    fn too_few_requests_are_no_data() {
        let measured = judge(
            "errors",
            &query(50),
            RequestCounts {
                total: 20.0,
                errors: 20.0,
            },
        );
        assert_eq!(measured.phase, MeasurementPhase::NoData);
        assert_eq!(
            judge("errors", &query(0), RequestCounts::default()).phase,
            MeasurementPhase::NoData
        );
    }
}
