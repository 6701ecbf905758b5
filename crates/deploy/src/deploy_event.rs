//! [`DeployEvent`]: what a deploy reports while it runs, as one closed, versioned stream.
//!
//! Targets emit these; the terminal display and `--output json` consume them. This module
//! must not render events nor decide outcomes.

use serde::{Deserialize, Serialize};

use crate::{MeasurementPhase, ReleaseNumber};

/// The version of the event wire format; bumped on incompatible changes.
pub const DEPLOY_EVENT_VERSION: u32 = 1;

/// A point in time, in UTC; RFC 3339 on the wire.
pub type Timestamp = time::OffsetDateTime;

/// Something that happened during a deploy or rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeployEvent {
    /// Release `release` of `service` began rolling out.
    ReleaseStarted {
        service: String,
        release: ReleaseNumber,
        image: String,
        config_version: String,
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
    },
    /// A canary step began: `replicas` of `total` replicas run the new release.
    StepStarted {
        step: usize,
        percent: u8,
        replicas: u32,
        total: u32,
    },
    /// One measurement of one analysis check.
    Measured {
        step: usize,
        check: String,
        phase: MeasurementPhase,
        /// The measured value, e.g. an error ratio or an unhealthy-task count.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
        detail: String,
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
    },
    /// Every check passed for the whole pause of a step.
    StepPassed { step: usize },
    /// A check failed past its limit; a rollback follows.
    AnalysisFailed {
        step: usize,
        check: String,
        detail: String,
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
    },
    /// The target began putting release `to` back.
    RollbackStarted {
        from: ReleaseNumber,
        to: ReleaseNumber,
        reason: String,
    },
    /// Release `to` serves again; `millis` since the rollback began.
    RollbackFinished { to: ReleaseNumber, millis: u64 },
    /// The release serves all replicas.
    Promoted { release: ReleaseNumber },
    /// Anything else a target wants to say (waiting for tasks, creating config objects).
    Note { message: String },
}
