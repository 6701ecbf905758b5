//! `gantry shell [PIPELINE:]STAGE [--failed] [-- COMMAND...]`: an interactive shell (a real
//! terminal when gantry has one) in a stage's container.
//!
//! Without `--failed` the shell opens in the container the stage's `run` step would start,
//! after the stages it needs ran (`stage_shell`). With `--failed` it opens on a snapshot of
//! the container that `gantry run --keep-failed` kept when the stage's command failed: its
//! files as the command left them, its user, environment and working directory. This module
//! must not change the kept container, nor leave anything it created on the engine.

mod stage_shell;

use std::path::{Path, PathBuf};

use gantry_engine::{DebugRunner, StageRef, TerminalOpener};

use crate::args::parse_mapping;
use crate::commands::kept::kept_containers;
use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;
use crate::terminal::LocalTerminal;

/// `gantry shell` as typed.
#[derive(Debug, clap::Args)]
pub struct ShellArgs {
    /// The stage, as `STAGE` or `PIPELINE:STAGE`; with `--failed`, the newest kept container
    /// of any stage when omitted.
    #[arg(value_name = "[PIPELINE:]STAGE")]
    pub stage: Option<String>,
    /// Open the container `gantry run --keep-failed` kept when the stage failed, as it was then.
    #[arg(long)]
    pub failed: bool,
    /// Run the stages the shell's stage needs without the stage cache.
    #[arg(long, conflicts_with = "failed")]
    pub no_cache: bool,
    /// Build FROM a different image: `FROM=TO`, as `gantry run --base-map` (repeatable).
    #[arg(long = "base-map", value_name = "FROM=TO", value_parser = parse_mapping, conflicts_with = "failed")]
    pub base_map: Vec<(String, String)>,
    /// A CA bundle (PEM) for package installs during builds, as `gantry run --ca-bundle`.
    #[arg(long = "ca-bundle", value_name = "PATH", conflicts_with = "failed")]
    pub ca_bundle: Option<PathBuf>,
    /// Run this instead of a shell (bash where the image has it, else sh).
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// What runs when no command is given: bash where the image has it, else sh.
const DEFAULT_SHELL: [&str; 3] = ["/bin/sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh"];

pub fn run(repo: &Path, args: &ShellArgs) -> ExitCode {
    let stage = args.stage.as_deref().map(StageSelector::parse);
    let command = match args.command.is_empty() {
        true => DEFAULT_SHELL.iter().map(|s| s.to_string()).collect(),
        false => args.command.clone(),
    };
    match (args.failed, stage) {
        (true, stage) => failed(stage, command),
        (false, Some(stage)) => stage_shell::run(repo, args, stage, command),
        (false, None) => {
            eprintln!("gantry: name the stage to open a shell in: `gantry shell [PIPELINE:]STAGE`");
            eprintln!("  help: `gantry list` shows the stages; `gantry shell --failed` opens the newest kept container");
            ExitCode::Invalid
        }
    }
}

/// `--failed`: a shell on a snapshot of the kept container.
fn failed(stage: Option<StageSelector>, command: Vec<String>) -> ExitCode {
    with_engine(|engine| async move {
        let kept = match kept_containers(&engine).await {
            Ok(kept) => kept,
            Err(code) => return code,
        };
        let Some(kept) = kept.into_iter().find(|k| stage.as_ref().is_none_or(|s| s.matches(&k.stage))) else {
            eprintln!("gantry: no kept container{}", stage.map(|s| format!(" for stage `{s}`")).unwrap_or_default());
            eprintln!("  help: `gantry run --keep-failed` keeps the containers of failed stages; `gantry ps` lists them");
            return ExitCode::Invalid;
        };
        eprintln!(
            "gantry: {} as it was when its command failed (run {}, container {:.12}); `exit` leaves",
            kept.stage, kept.run_id, kept.id
        );
        let terminal = LocalTerminal::default();
        let session = terminal.open();
        let outcome = engine.reopen_kept(&kept, command, session.io).await;
        drop(session.release);
        terminal.finish().await;
        session_exit_code(outcome)
    })
}

/// gantry's exit code for a session that ended with `outcome`: 0 for a shell that exited 0,
/// else 1 (the status is said), 3 when the engine failed.
fn session_exit_code(outcome: Result<i64, gantry_engine::EngineError>) -> ExitCode {
    match outcome {
        Ok(0) => ExitCode::Ok,
        Ok(status) => {
            eprintln!("gantry: exited with status {status}");
            ExitCode::Failed
        }
        Err(e) => {
            eprintln!("gantry: {e}");
            ExitCode::Infrastructure
        }
    }
}

/// `STAGE` or `PIPELINE:STAGE`, as typed.
struct StageSelector {
    pipeline: Option<String>,
    stage: String,
}

impl StageSelector {
    fn parse(text: &str) -> StageSelector {
        match text.split_once(':') {
            Some((pipeline, stage)) => StageSelector { pipeline: Some(pipeline.into()), stage: stage.into() },
            None => StageSelector { pipeline: None, stage: text.into() },
        }
    }

    fn matches(&self, stage: &StageRef) -> bool {
        self.stage == stage.stage && self.pipeline.as_ref().is_none_or(|p| p == &stage.pipeline)
    }
}

impl std::fmt::Display for StageSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.pipeline {
            Some(pipeline) => write!(f, "{pipeline}:{}", self.stage),
            None => f.write_str(&self.stage),
        }
    }
}
