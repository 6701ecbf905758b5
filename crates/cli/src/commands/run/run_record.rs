//! [`RunRecord`]: the versioned record of one run, `<run folder>/record.json` — what ran
//! (the resolved plan, the setup values), on what (engine, gantry, the inputs `gantry diff`
//! compares), when, and how every stage ended (times, exit codes, image IDs, published
//! references with digests, exports, redacted environments). [`RecordWriter`] builds it from
//! the event stream.
//!
//! It must not hold secrets: environments arrive redacted, and credentials are never in it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use gantry_engine::{EngineDescription, RunEvent, RunOutcome, StageRef, StageReport, Timestamp};
use gantry_record::RunInputs;
use serde::{Deserialize, Serialize};

use crate::exit_code::ExitCode;
use crate::run_display::RunEventSink;

/// The version of the record's wire format. 2 added each stage's `base_images` (reference →
/// image ID); records of version 1 read as stages without them. Every change so far only
/// added fields with defaults, so older records still read, import and compare.
pub const RECORD_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub version: u32,
    pub run_id: String,
    /// `ci` when `CI=true`, else the machine's name.
    pub origin: String,
    pub gantry_version: String,
    /// The command line, as typed.
    pub command: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<Timestamp>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<Timestamp>,
    pub duration_ms: u64,
    pub outcome: Option<RunOutcome>,
    pub exit_code: Option<u8>,
    /// What failed outside any stage.
    pub error: Option<String>,
    pub engine: EngineDescription,
    /// The registry `publish` pushed to.
    pub registry: String,
    pub plan: RecordedPlan,
    /// `setup`'s values (the executor adds `pipeline` and `timestamp` per pipeline).
    pub setup: BTreeMap<String, String>,
    pub inputs: RunInputs,
    /// In the order they started; stages that never started last, in plan order.
    pub stages: Vec<StageRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedPlan {
    /// The pipeline file, as named.
    pub file: String,
    /// The plan as `gantry plan` prints it: stages, steps and the values known before the run.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    #[serde(flatten)]
    pub stage: StageRef,
    pub needs: Vec<String>,
    pub steps: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub started_at: Option<Timestamp>,
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: Timestamp,
    #[serde(flatten)]
    pub report: StageReport,
    /// The stage's log, relative to the run folder.
    pub log: String,
}

/// Fills a [`RunRecord`] from the events and writes it when the stream ends.
pub struct RecordWriter {
    path: PathBuf,
    record: RunRecord,
    /// `needs` and `steps` by stage, from `RunStarted`.
    shapes: BTreeMap<StageRef, (Vec<String>, Vec<String>)>,
}

impl RecordWriter {
    /// `record` holds what is known before the run; the events fill in the rest.
    pub fn new(path: PathBuf, record: RunRecord) -> Self {
        Self { path, record, shapes: BTreeMap::new() }
    }
}

impl RunEventSink for RecordWriter {
    fn event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::RunStarted { at, pipelines, .. } => {
                self.record.started_at = Some(*at);
                for pipeline in pipelines {
                    for stage in &pipeline.stages {
                        let key = StageRef::new(pipeline.name.clone(), stage.name.clone());
                        self.shapes.insert(key, (stage.needs.clone(), stage.steps.clone()));
                    }
                }
            }
            RunEvent::StageFinished { stage, started_at, at, report } => {
                let (needs, steps) = self.shapes.get(stage).cloned().unwrap_or_default();
                let log = format!("{}/{}.log", stage.pipeline, stage.stage);
                let record = StageRecord { stage: stage.clone(), needs, steps, started_at: *started_at, finished_at: *at, report: StageReport::clone(report), log };
                self.record.stages.push(record);
            }
            RunEvent::RunFinished { at, outcome, duration_ms, error } => {
                self.record.finished_at = Some(*at);
                self.record.outcome = Some(*outcome);
                self.record.duration_ms = *duration_ms;
                self.record.exit_code = Some(ExitCode::from(*outcome) as u8);
                self.record.error = error.clone();
            }
            RunEvent::StageQueued { .. } | RunEvent::StageStarted { .. } | RunEvent::StageLog { .. } => {}
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        // Stable: stages that never started keep their plan order at the end.
        self.record.stages.sort_by_key(|stage| (stage.started_at.is_none(), stage.started_at));
        let text = serde_json::to_string_pretty(&self.record).map_err(|e| format!("cannot encode the run record: {e}"))?;
        std::fs::write(&self.path, text + "\n").map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}
