//! `gantry replay RECORD`: runs a recorded run again on this machine with the same inputs —
//! the same pipelines and stages (its command line), the same environment values (secrets
//! come from this machine's environment, as they were never recorded) — then compares the
//! new run with the recorded one and says what could not be reproduced: inputs that differ
//! here before the run (commit, changed files, specs, engine, gantry), and every difference
//! in the result.
//!
//! This module must not check out commits nor change files: it reports a different commit
//! instead of replaying on top of it.

use std::path::Path;
use std::process::Command;

use gantry_record::{RunFacts, compare};

use crate::commands::diff::facts;
use crate::commands::run::run_record::RunRecord;
use crate::commands::run_history::RunHistory;
use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;

/// `gantry replay` as typed.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The run to replay: an ID, a unique prefix, `last`, or a record.json file (an imported
    /// CI run, say).
    pub record: String,
}

pub fn run(repo: &Path, args: &ReplayArgs) -> ExitCode {
    let history = RunHistory::new(repo);
    let recorded = match history.find(&args.record) {
        Ok(run) => run.record,
        Err(problem) => {
            eprintln!("gantry: {problem}");
            return ExitCode::Invalid;
        }
    };
    let here = match inputs_here(repo, &recorded) {
        Ok(here) => here,
        Err(code) => return code,
    };
    report_inputs(&recorded, &here);
    let code = match rerun(repo, &recorded) {
        Ok(code) => code,
        Err(problem) => {
            eprintln!("gantry: cannot start the replay: {problem}");
            return ExitCode::Infrastructure;
        }
    };
    match history.find("last") {
        Ok(replay) if replay.record.run_id != recorded.run_id => {
            eprintln!("gantry: replay of {} is run {}", recorded.run_id, replay.record.run_id);
            print!("{}", compare(&facts(&recorded), &facts(&replay.record)).render());
        }
        _ => eprintln!("gantry: the replay recorded no run to compare"),
    }
    code
}

/// What a run here would record, with the recorded run's environment values.
fn inputs_here(repo: &Path, recorded: &RunRecord) -> Result<RunFacts, ExitCode> {
    let jobs = recorded.inputs.limits.get("jobs").and_then(|j| j.parse().ok()).unwrap_or(1);
    let mut here = None;
    let slot = &mut here;
    let code = with_engine(|engine| async move {
        match engine.describe().await {
            Ok(description) => {
                let environment = recorded.inputs.environment.clone();
                *slot = Some(crate::run_inputs::collect(repo, &description, jobs, environment));
                ExitCode::Ok
            }
            Err(e) => {
                eprintln!("gantry: {e}");
                ExitCode::Infrastructure
            }
        }
    });
    let inputs = here.ok_or(code)?;
    Ok(RunFacts { run_id: "here".into(), inputs, ..RunFacts::default() })
}

/// Says which recorded inputs this machine cannot reproduce.
fn report_inputs(recorded: &RunRecord, here: &RunFacts) {
    let then = RunFacts { run_id: recorded.run_id.clone(), inputs: recorded.inputs.clone(), ..RunFacts::default() };
    let differences = compare(&then, here).differences;
    if differences.is_empty() {
        eprintln!("gantry: replaying {} with the same recorded inputs", recorded.run_id);
        return;
    }
    eprintln!("gantry: replaying {}; these recorded inputs differ here and cannot be reproduced:", recorded.run_id);
    for difference in differences {
        eprintln!("  {}", difference.describe());
    }
}

/// Runs `gantry run` with the recorded command line's arguments and environment values.
fn rerun(repo: &Path, recorded: &RunRecord) -> Result<ExitCode, String> {
    let arguments = run_arguments(&recorded.command);
    let gantry = std::env::current_exe().map_err(|e| e.to_string())?;
    let status = Command::new(gantry)
        .arg("-C")
        .arg(repo)
        .arg("run")
        .args(arguments)
        .envs(&recorded.inputs.environment)
        .status()
        .map_err(|e| e.to_string())?;
    Ok(match status.code() {
        Some(0) => ExitCode::Ok,
        Some(1) => ExitCode::Failed,
        Some(130) => ExitCode::Interrupted,
        Some(2) => ExitCode::Invalid,
        _ => ExitCode::Infrastructure,
    })
}

/// The arguments after `run` in a recorded command line, without `-C DIR` (the replay runs
/// in this repository).
fn run_arguments(command: &[String]) -> Vec<String> {
    let after_run = command.iter().position(|a| a == "run").map_or(&[][..], |at| &command[at + 1..]);
    after_run.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_after_run_are_replayed() {
        let command: Vec<String> = ["gantry", "-C", "/ci/checkout", "run", "test", "--stage", "check"].map(String::from).to_vec();
        assert_eq!(run_arguments(&command), ["test", "--stage", "check"]);
    }
}
