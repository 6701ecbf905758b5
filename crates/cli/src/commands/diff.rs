//! `gantry diff RUN_A RUN_B`: compares two recorded runs — for instance one imported from CI
//! and one from this machine — and explains the differences that can change a result, most
//! likely cause first, or calls the failure flaky when every recorded input is the same.
//!
//! This module only maps records to [`RunFacts`]; the comparison itself is `gantry-record`'s
//! and must not be done here.

use std::path::Path;

use gantry_record::{RunFacts, StageFacts, compare};

use crate::commands::run::run_record::{RunRecord, StageRecord};
use crate::commands::run_history::RunHistory;
use crate::exit_code::ExitCode;

/// `gantry diff` as typed.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The first run (the one that passed, say): an ID, a unique prefix, `last`, or a
    /// record.json file.
    pub before: String,
    /// The second run.
    pub after: String,
}

pub fn run(repo: &Path, args: &DiffArgs) -> ExitCode {
    let history = RunHistory::new(repo);
    let loaded = history.find(&args.before).and_then(|a| Ok((a, history.find(&args.after)?)));
    match loaded {
        Ok((a, b)) => {
            print!("{}", compare(&facts(&a.record), &facts(&b.record)).render());
            ExitCode::Ok
        }
        Err(problem) => {
            eprintln!("gantry: {problem}");
            ExitCode::Invalid
        }
    }
}

/// A record as the comparison sees it.
pub fn facts(record: &RunRecord) -> RunFacts {
    let outcome = record.outcome.and_then(|o| serde_json::to_value(o).ok()).and_then(|v| v.as_str().map(String::from));
    RunFacts {
        run_id: record.run_id.clone(),
        origin: record.origin.clone(),
        outcome: outcome.unwrap_or_else(|| "unfinished".into()),
        inputs: record.inputs.clone(),
        stages: record.stages.iter().map(stage_facts).collect(),
    }
}

fn stage_facts(stage: &StageRecord) -> StageFacts {
    let report = &stage.report;
    StageFacts {
        pipeline: stage.stage.pipeline.clone(),
        stage: stage.stage.stage.clone(),
        needs: stage.needs.clone(),
        status: report.status.name().to_owned(),
        duration_ms: report.duration_ms,
        exit_code: report.output.exit_code,
        env: report.output.environment.clone(),
        arguments: report.output.arguments.clone(),
        reason: report.reason.clone(),
        cached: report.output.cached,
        cache_key: report.output.cache_key.clone(),
        base_images: report.output.base_images.clone(),
    }
}
