//! [`RequestCounts`]: requests and errors counted by a Prometheus counter, and their increase
//! between two scrapes.
//!
//! Must not judge the ratio; the error-rate check compares it with its threshold.

use crate::canary::PrometheusText;

/// Totals of one counter at one scrape: all series, and the series that count errors.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RequestCounts {
    pub total: f64,
    pub errors: f64,
}

impl RequestCounts {
    /// Sums `metric` over its series; a series counts as errors when its `label` starts with
    /// `error_prefix` (e.g. `code` = `503`). NaN samples are left out.
    pub fn from_scrape(
        text: &PrometheusText,
        metric: &str,
        label: &str,
        error_prefix: &str,
    ) -> Self {
        let mut counts = Self::default();
        for sample in text
            .metric(metric)
            .filter(|sample| sample.value.is_finite())
        {
            counts.total += sample.value;
            if sample
                .label(label)
                .is_some_and(|value| value.starts_with(error_prefix))
            {
                counts.errors += sample.value;
            }
        }
        counts
    }

    /// The increase from `earlier` to `self`. A counter that went down was reset (the
    /// process restarted), so its whole new value is the increase.
    pub fn since(self, earlier: RequestCounts) -> RequestCounts {
        if self.total < earlier.total || self.errors < earlier.errors {
            return self;
        }
        RequestCounts {
            total: self.total - earlier.total,
            errors: self.errors - earlier.errors,
        }
    }

    /// The share of errors, or `None` when nothing was counted.
    pub fn error_ratio(self) -> Option<f64> {
        (self.total > 0.0).then(|| self.errors / self.total)
    }

    /// These counts plus `other`'s.
    pub fn plus(self, other: RequestCounts) -> RequestCounts {
        RequestCounts {
            total: self.total + other.total,
            errors: self.errors + other.errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(total: f64, errors: f64) -> RequestCounts {
        RequestCounts { total, errors }
    }

    #[test]
    fn sums_series_and_picks_errors_by_label_prefix() {
        let text = PrometheusText::parse(
            "http_requests_total{code=\"200\"} 90\nhttp_requests_total{code=\"503\"} 6\n\
             http_requests_total{code=\"500\"} 4\nhttp_requests_total{code=\"404\"} NaN\nother 7\n",
        )
        .unwrap();
        assert_eq!(
            RequestCounts::from_scrape(&text, "http_requests_total", "code", "5"),
            counts(100.0, 10.0)
        );
    }

    #[test]
    fn increase_handles_counter_resets() {
        assert_eq!(
            counts(150.0, 20.0).since(counts(100.0, 10.0)),
            counts(50.0, 10.0)
        );
        assert_eq!(
            counts(5.0, 1.0).since(counts(100.0, 10.0)),
            counts(5.0, 1.0)
        );
    }

    #[test]
    fn ratio_needs_requests() {
        assert_eq!(counts(0.0, 0.0).error_ratio(), None);
        assert_eq!(counts(50.0, 10.0).error_ratio(), Some(0.2));
    }
}
