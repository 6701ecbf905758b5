//! [`AnalysisCheck`]: one thing measured during a canary step, and its thresholds.
//!
//! Must not perform the measurement; analysis runners do that.

use std::time::Duration;

/// A named check with the number of failed measurements it tolerates per step.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisCheck {
    pub name: String,
    pub kind: CheckKind,
    /// Failed measurements tolerated in one step; one more fails the release.
    pub failure_limit: u32,
}

/// What a check measures and the thresholds that decide pass or fail.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckKind {
    /// Container health of the new release's replicas (Docker `HEALTHCHECK`, task state).
    /// Fails when more than `max_unhealthy` replicas are unhealthy, failed or restarting.
    Health { max_unhealthy: u32 },
    /// An HTTP GET of `path` on every new replica. Fails when a replica answers another status
    /// than `expect_status`, does not answer within `timeout`, or answers slower than
    /// `max_latency` (when set).
    HttpProbe { path: String, expect_status: u16, timeout: Duration, max_latency: Option<Duration> },
    /// The error ratio from a Prometheus text-format endpoint: of the increase of `metric`
    /// across all series since the step began, the share whose `label` starts with
    /// `error_prefix` (e.g. `code` starting with `5`). Fails above `max_ratio`; no data until
    /// at least `min_requests` requests were counted.
    ErrorRate { path: String, metric: String, label: String, error_prefix: String, max_ratio: f64, min_requests: u64 },
}

impl CheckKind {
    /// An error-rate check on `http_requests_total{code="5xx"}` at `path`.
    pub fn http_error_rate(path: impl Into<String>, max_ratio: f64) -> Self {
        CheckKind::ErrorRate {
            path: path.into(),
            metric: "http_requests_total".into(),
            label: "code".into(),
            error_prefix: "5".into(),
            max_ratio,
            min_requests: 1,
        }
    }
}
