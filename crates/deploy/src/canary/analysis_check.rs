//! [`AnalysisCheck`]: one thing measured during a canary step, and its thresholds.
//!
//! Must not perform the measurement; the analysis does that.

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
    /// Fails when more than `max_unhealthy` replicas failed (exited, were killed as
    /// unhealthy) since the canary started.
    Health { max_unhealthy: u32 },
    /// An HTTP GET on every new replica.
    HttpProbe(HttpProbeSpec),
    /// The error ratio from a Prometheus text-format endpoint on every new replica.
    ErrorRate(ErrorRateSpec),
}

/// An HTTP probe: fails when a replica answers another status than `expect_status`, does
/// not answer within `timeout`, or answers slower than `max_latency` (when set).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpProbeSpec {
    pub path: String,
    pub expect_status: u16,
    pub timeout: Duration,
    pub max_latency: Option<Duration>,
}

/// An error-rate query: of the increase of counter `metric` (all series, all replicas)
/// since the previous scrape, the share whose `label` starts with `error_prefix` (e.g.
/// `code` starting with `5`). Fails above `max_ratio`; no data while fewer than
/// `min_requests` requests were counted.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRateSpec {
    pub path: String,
    pub metric: String,
    pub label: String,
    pub error_prefix: String,
    pub max_ratio: f64,
    pub min_requests: u64,
}

impl HttpProbeSpec {
    /// A probe of `path` expecting 200 within 2 s.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            expect_status: 200,
            timeout: Duration::from_secs(2),
            max_latency: None,
        }
    }
}

impl ErrorRateSpec {
    /// `http_requests_total` at `path`, errors where `code` starts with `5`.
    pub fn http_requests(path: impl Into<String>, max_ratio: f64) -> Self {
        Self {
            path: path.into(),
            metric: "http_requests_total".into(),
            label: "code".into(),
            error_prefix: "5".into(),
            max_ratio,
            min_requests: 1,
        }
    }
}
