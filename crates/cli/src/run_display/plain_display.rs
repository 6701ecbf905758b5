//! [`PlainDisplay`]: the run as plain lines on standard error, each prefixed with its stage —
//! `[lint] started`, `[lint] <output line>`, `[lint] ok in 3.2s` — for CI logs and pipes.
//!
//! It must not use terminal features (colours, cursor movement).

use gantry_engine::RunEvent;

use super::{RunEventSink, outcome_words, seconds};

pub struct PlainDisplay;

impl RunEventSink for PlainDisplay {
    fn event(&mut self, event: &RunEvent) {
        if let Some(line) = plain_line(event) {
            eprintln!("{line}");
        }
    }
}

/// The plain line of `event`, `None` for events without one.
pub fn plain_line(event: &RunEvent) -> Option<String> {
    Some(match event {
        RunEvent::RunStarted { run_id, pipelines, .. } => {
            let stages: usize = pipelines.iter().map(|p| p.stages.len()).sum();
            format!("gantry: run {run_id}: {stages} stage{}", if stages == 1 { "" } else { "s" })
        }
        RunEvent::StageQueued { .. } => return None,
        RunEvent::StageStarted { stage, .. } => format!("[{}] started", stage.stage),
        RunEvent::StageLog { stage, line, .. } => format!("[{}] {line}", stage.stage),
        RunEvent::StageFinished { stage, report, .. } => format!("[{}] {}", stage.stage, outcome_words(report)),
        RunEvent::RunFinished { outcome, duration_ms, error, .. } => {
            let error = error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
            format!("gantry: run {} in {}{error}", outcome_name(*outcome), seconds(*duration_ms))
        }
    })
}

/// `succeeded`, `failed`, … as the record and the JSON output spell them.
pub fn outcome_name(outcome: gantry_engine::RunOutcome) -> String {
    serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use gantry_engine::{StageRef, StageReport, StageStatus, Timestamp};

    use super::*;

    #[test]
    fn lines_are_prefixed_with_the_stage() {
        let stage = StageRef::new("test", "lint");
        let log = RunEvent::StageLog { stage: stage.clone(), source: gantry_engine::LogSource::Stdout, line: "ok".into() };
        assert_eq!(plain_line(&log).as_deref(), Some("[lint] ok"));
        let report = StageReport { status: StageStatus::Failed, duration_ms: 1234, reason: Some("run: the container exited with status 1".into()), ..StageReport::default() };
        let finished = RunEvent::StageFinished { stage, started_at: None, at: Timestamp::UNIX_EPOCH, report: Box::new(report) };
        assert_eq!(plain_line(&finished).as_deref(), Some("[lint] failed after 1.2s: run: the container exited with status 1"));
    }
}
