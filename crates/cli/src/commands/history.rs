//! `gantry runs`, `gantry logs RUN [STAGE]` and `gantry show RUN`: the repository's recorded
//! runs — a list, a run's stage logs, one record in words.
//!
//! This module must not change runs nor contact the engine: everything comes from the run
//! folders.

use std::fmt::Write as _;
use std::path::Path;

use gantry_engine::StageStatus;

use crate::commands::columns::{columns, rfc3339};
use crate::commands::run::run_record::{RunRecord, StageRecord};
use crate::commands::run_history::{RecordedRun, RunHistory};
use crate::exit_code::ExitCode;
use crate::run_display::seconds;

/// `gantry logs` as typed.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// The run: its ID, a unique prefix of it, or `last`.
    pub run: String,
    /// Only this stage's log (`STAGE` or `PIPELINE:STAGE`).
    #[arg(value_name = "[PIPELINE:]STAGE")]
    pub stage: Option<String>,
}

/// `gantry show` as typed.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The run: its ID, a unique prefix of it, `last`, or a record.json file.
    pub run: String,
}

/// `gantry runs`: one line per run, oldest first.
pub fn runs(repo: &Path) -> ExitCode {
    let history = RunHistory::new(repo);
    let ids = history.ids();
    if ids.is_empty() {
        eprintln!("gantry: no recorded runs in this repository (`gantry run` records one)");
        return ExitCode::Ok;
    }
    let mut rows = vec![["RUN", "STARTED", "PIPELINES", "RESULT", "DURATION", "STAGES"].map(String::from)];
    for id in ids {
        match history.load(&id) {
            Ok(run) => rows.push(summary_row(&run.record)),
            Err(problem) => eprintln!("gantry: {problem}"),
        }
    }
    print!("{}", columns(&rows));
    ExitCode::Ok
}

fn summary_row(record: &RunRecord) -> [String; 6] {
    let mut pipelines: Vec<&str> = record.stages.iter().map(|s| s.stage.pipeline.as_str()).collect();
    pipelines.dedup();
    [
        record.run_id.clone(),
        record.started_at.map(rfc3339).unwrap_or_default(),
        pipelines.join(","),
        outcome(record),
        seconds(record.duration_ms),
        stage_counts(&record.stages),
    ]
}

/// `2 ran, 1 skipped, 1 failed`: how the stages ended, by kind.
fn stage_counts(stages: &[StageRecord]) -> String {
    let count = |status: StageStatus| stages.iter().filter(|s| s.report.status == status).count();
    let counted = [
        (count(StageStatus::Ok), "ok"),
        (count(StageStatus::Failed), "failed"),
        (count(StageStatus::TimedOut), "timed out"),
        (count(StageStatus::Cancelled), "cancelled"),
        (count(StageStatus::Skipped), "skipped"),
    ];
    let parts: Vec<String> = counted.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect();
    parts.join(", ")
}

/// `gantry logs RUN [STAGE]`: the stage logs, each under its stage's name.
pub fn logs(repo: &Path, args: &LogsArgs) -> ExitCode {
    let run = match RunHistory::new(repo).find(&args.run) {
        Ok(run) => run,
        Err(problem) => return invalid(&problem),
    };
    let wanted = args.stage.as_deref().map(|s| s.split_once(':').map_or((None, s), |(p, s)| (Some(p), s)));
    let stages: Vec<&StageRecord> = run
        .record
        .stages
        .iter()
        .filter(|s| wanted.is_none_or(|(p, name)| s.stage.stage == name && p.is_none_or(|p| p == s.stage.pipeline)))
        .collect();
    if stages.is_empty() {
        return invalid(&format!("run {} has no stage {}", run.record.run_id, args.stage.as_deref().unwrap_or("")));
    }
    for stage in stages {
        if args.stage.is_none() {
            println!("== {} ({}) ==", stage.stage, stage.report.status.name());
        }
        print!("{}", stage_log(&run, stage));
    }
    ExitCode::Ok
}

fn stage_log(run: &RecordedRun, stage: &StageRecord) -> String {
    std::fs::read_to_string(run.folder.join(&stage.log)).unwrap_or_default()
}

/// `gantry show RUN`: the record in words.
pub fn show(repo: &Path, args: &ShowArgs) -> ExitCode {
    match RunHistory::new(repo).find(&args.run) {
        Ok(run) => {
            print!("{}", describe(&run.record));
            ExitCode::Ok
        }
        Err(problem) => invalid(&problem),
    }
}

fn describe(record: &RunRecord) -> String {
    let inputs = &record.inputs;
    let mut text = String::new();
    let _ = writeln!(text, "run {} on {}: {} in {}", record.run_id, record.origin, outcome(record), seconds(record.duration_ms));
    let _ = writeln!(text, "  started   {}", record.started_at.map(rfc3339).unwrap_or_default());
    let _ = writeln!(text, "  command   {}", record.command.join(" "));
    let _ = writeln!(text, "  gantry    {}", record.gantry_version);
    let engine = &record.engine;
    let _ = writeln!(text, "  engine    {} (API {}, {}/{}, {} CPUs)", engine.version, engine.api_version, engine.os, engine.arch, engine.cpus);
    let _ = writeln!(text, "  commit    {}", inputs.commit.as_deref().unwrap_or("(not a git repository)"));
    for (file, hash) in &inputs.changed_files {
        let _ = writeln!(text, "  changed   {file} {hash}");
    }
    for (file, hash) in &inputs.specs {
        let _ = writeln!(text, "  spec      {file} {hash}");
    }
    for (name, value) in &inputs.environment {
        let _ = writeln!(text, "  env       {name}={value}");
    }
    if let Some(error) = &record.error {
        let _ = writeln!(text, "  error     {error}");
    }
    for stage in &record.stages {
        describe_stage(&mut text, stage);
    }
    text
}

fn describe_stage(text: &mut String, stage: &StageRecord) {
    let report = &stage.report;
    let _ = writeln!(text, "stage {}: {} in {}", stage.stage, report.status.name(), seconds(report.duration_ms));
    if let Some(reason) = &report.reason {
        let _ = writeln!(text, "  reason    {reason}");
    }
    if let Some(code) = report.output.exit_code {
        let _ = writeln!(text, "  exit code {code}");
    }
    for (reference, id) in &report.output.base_images {
        let _ = writeln!(text, "  base      {reference} {id}");
    }
    for image in &report.output.images {
        let _ = writeln!(text, "  built     {} {}", image.variant, image.id);
    }
    if let Some(key) = &report.output.cache_key {
        let how = if report.output.cached { "restored" } else { "ran" };
        let _ = writeln!(text, "  cache     {how}, key {key}");
    }
    for published in &report.output.published {
        let _ = writeln!(text, "  published {}@{}", published.reference, published.digest);
    }
    for (name, value) in &report.output.environment {
        let _ = writeln!(text, "  env       {name}={value}");
    }
    let _ = writeln!(text, "  log       {}", stage.log);
}

fn outcome(record: &RunRecord) -> String {
    record.outcome.map_or_else(|| "unfinished".into(), |o| serde_json::to_value(o).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())
}

fn invalid(problem: &str) -> ExitCode {
    eprintln!("gantry: {problem}");
    ExitCode::Invalid
}
