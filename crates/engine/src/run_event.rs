//! [`RunEvent`]: what a pipeline run reports, as one closed, versioned stream.
//!
//! The executor emits these and nothing else. The terminal display, `--output json`, the run
//! record and the JUnit report are independent consumers of the same stream. This module must
//! not render events nor decide outcomes: the scheduler decides, consumers render.

use serde::{Deserialize, Serialize};

use crate::{RunOutcome, StageReport};

/// The version of the event wire format ([`RunEventLine`]); bumped on incompatible changes.
pub const RUN_EVENT_VERSION: u32 = 1;

/// A point in time, in UTC; RFC 3339 on the wire.
pub type Timestamp = time::OffsetDateTime;

/// Something that happened during a run.
///
/// Order: one `RunStarted`; per stage `StageQueued` (once its predecessors succeeded),
/// `StageStarted`, any number of `StageLog`s, then exactly one `StageFinished` (stages that
/// never start get only `StageFinished`, as skipped); one `RunFinished` last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// The run began: its ID and what it will run.
    RunStarted {
        run_id: String,
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
        pipelines: Vec<PipelineSummary>,
    },
    /// Every predecessor of the stage succeeded; it waits for a free job slot.
    StageQueued {
        #[serde(flatten)]
        stage: StageRef,
    },
    /// The stage began its first step.
    StageStarted {
        #[serde(flatten)]
        stage: StageRef,
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
    },
    /// A line of the stage's output: build progress, container output, or the executor's own
    /// notes (what was pushed, what was not sent).
    StageLog {
        #[serde(flatten)]
        stage: StageRef,
        source: LogSource,
        line: String,
    },
    /// The stage ended, or was never run.
    StageFinished {
        #[serde(flatten)]
        stage: StageRef,
        /// `None` when the stage never started.
        #[serde(with = "time::serde::rfc3339::option")]
        started_at: Option<Timestamp>,
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
        report: Box<StageReport>,
    },
    /// The run ended; nothing it created on the engine remains, unless `error` says why.
    RunFinished {
        #[serde(with = "time::serde::rfc3339")]
        at: Timestamp,
        outcome: RunOutcome,
        duration_ms: u64,
        /// What failed outside any stage (removing what the run created).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
}

/// A stage of a pipeline: stage names are unique only within their pipeline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StageRef {
    pub pipeline: String,
    pub stage: String,
}

impl StageRef {
    pub fn new(pipeline: impl Into<String>, stage: impl Into<String>) -> Self {
        Self {
            pipeline: pipeline.into(),
            stage: stage.into(),
        }
    }
}

impl std::fmt::Display for StageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.pipeline, self.stage)
    }
}

/// Where a [`RunEvent::StageLog`] line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogSource {
    /// Image build progress (BuildKit's plain `#N` lines).
    Build,
    /// The stage's container, standard output.
    Stdout,
    /// The stage's container, standard error.
    Stderr,
    /// The executor itself.
    Gantry,
}

/// A pipeline as the run will execute it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineSummary {
    pub name: String,
    /// In plan order.
    pub stages: Vec<StageSummary>,
}

/// A stage as the run will execute it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSummary {
    pub name: String,
    /// The stages it waits for.
    pub needs: Vec<String>,
    /// Its steps in execution order (`build`, `run`, `copy`, `publish`, …).
    pub steps: Vec<String>,
}

/// One event as a line of `--output json`: the event with the wire format's version.
#[derive(Debug, Serialize)]
pub struct RunEventLine<'a> {
    pub version: u32,
    #[serde(flatten)]
    pub event: &'a RunEvent,
}

impl<'a> RunEventLine<'a> {
    pub fn new(event: &'a RunEvent) -> Self {
        Self {
            version: RUN_EVENT_VERSION,
            event,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BindingValue, StageStatus};

    #[test]
    fn events_are_flat_versioned_json_objects_that_read_back() {
        let mut report = StageReport {
            status: StageStatus::TimedOut,
            duration_ms: 1500,
            ..StageReport::default()
        };
        report.reason = Some("ran longer than 1s".into());
        report
            .output
            .exports
            .insert("imageID".into(), BindingValue::Text("4f1c".into()));
        let at = Timestamp::UNIX_EPOCH;
        let event = RunEvent::StageFinished {
            stage: StageRef::new("test", "lint"),
            started_at: None,
            at,
            report: Box::new(report),
        };
        let line = serde_json::to_string(&RunEventLine::new(&event)).unwrap();
        assert_eq!(
            line,
            r#"{"version":1,"event":"stage_finished","pipeline":"test","stage":"lint","started_at":null,"at":"1970-01-01T00:00:00Z","report":{"status":"timed-out","duration_ms":1500,"reason":"ran longer than 1s","exports":{"imageID":"4f1c"}}}"#
        );
        let back: RunEvent = serde_json::from_str(&line).unwrap();
        assert_eq!(back, event);
    }
}
