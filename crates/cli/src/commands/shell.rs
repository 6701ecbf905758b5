//! `gantry shell [PIPELINE:]STAGE [--failed] [-- COMMAND...]`: an interactive shell (a real
//! terminal when gantry has one) in a stage's container.
//!
//! With `--failed` the shell opens on a snapshot of the container that `gantry run
//! --keep-failed` kept when the stage's command failed: its files as the command left them,
//! its user, environment and working directory. This module must not change the kept
//! container, nor leave anything it created on the engine.

use gantry_engine::{DebugRunner, StageRef, TerminalIo};

use crate::commands::kept::kept_containers;
use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;
use crate::terminal::{RawMode, TerminalBridge};

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
    /// Run this instead of a shell (bash where the image has it, else sh).
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// What runs when no command is given: bash where the image has it, else sh.
const DEFAULT_SHELL: [&str; 3] = ["/bin/sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh"];

pub fn run(args: &ShellArgs) -> ExitCode {
    let stage = args.stage.as_deref().map(StageSelector::parse);
    let command = match args.command.is_empty() {
        true => DEFAULT_SHELL.iter().map(|s| s.to_string()).collect(),
        false => args.command.clone(),
    };
    if !args.failed {
        eprintln!("gantry: `gantry shell STAGE` needs `--failed` for now: it opens the container a failed `gantry run --keep-failed` kept");
        return ExitCode::Invalid;
    }
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
        attached(|io| engine.reopen_kept(&kept, command, io)).await
    })
}

/// Runs a session with the local terminal in raw mode, and turns its exit status into
/// gantry's.
async fn attached<F, Fut>(session: F) -> ExitCode
where
    F: FnOnce(TerminalIo) -> Fut,
    Fut: Future<Output = Result<i64, gantry_engine::EngineError>>,
{
    let (bridge, io) = TerminalBridge::start();
    let raw = io.size.and_then(|_| RawMode::enable());
    let outcome = session(io).await;
    bridge.finish().await;
    drop(raw);
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
