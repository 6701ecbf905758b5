//! `gantry shell [PIPELINE:]STAGE [-- COMMAND...]` (without `--failed`): a shell in the
//! container a stage's `run` step would start — same image, user, environment, credentials
//! and working directory. It is a run of the stage and what it needs, as `gantry run --stage
//! STAGE` makes it (needed stages restored from the stage cache when their keys match), in
//! which the executor opens the session in place of the stage's command
//! ([`InteractiveStage`]).
//!
//! This module must not prepare the container itself (the executor does, as for the `run`
//! step), nor keep a record of the session: it writes nothing to `.gantry/runs`.

use std::path::Path;
use std::sync::Arc;

use gantry_engine::pipeline_run::InteractiveStage;
use gantry_engine::{CacheFuture, CacheLookup, CachedResult, StageCache, StageRef};

use crate::args::SelectionArgs;
use crate::commands::run::run_folder::RunFolder;
use crate::commands::run::{self, OutputFormat, RepositoryRunFlags, RunArgs};
use crate::commands::why::find_pipeline;
use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;
use crate::git_facts::GitFacts;
use crate::run_display::PlainDisplay;
use crate::terminal::LocalTerminal;

use super::{ShellArgs, StageSelector, session_exit_code};

pub fn run(repo: &Path, args: &ShellArgs, selector: StageSelector, command: Vec<String>) -> ExitCode {
    let run_args = run_args(args, &selector);
    let prepared = match run::prepare(repo, &run_args) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let pipeline = match find_pipeline(&prepared.plan, &selector.stage) {
        Ok(pipeline) => pipeline,
        Err(code) => return code,
    };
    let stage = StageRef::new(pipeline, selector.stage);
    with_engine(|engine| async move {
        let compile = match run::compile_options(&run_args, &prepared.options, &engine).await {
            Ok(compile) => compile,
            Err(code) => return code,
        };
        let folder = RunFolder::unwritten(repo);
        let git = GitFacts::gather(repo);
        let mut settings = run::engine_settings(repo, &run_args, &prepared, &engine, &folder, &git, compile, None).await;
        settings.cache = settings.cache.map(|cache| Arc::new(OpenedStageRuns { cache, opened: stage.clone() }) as Arc<dyn StageCache>);
        let terminal = Arc::new(LocalTerminal::default());
        let interactive = Arc::new(InteractiveStage::new(stage.clone(), command, terminal.clone()));
        settings.interactive = Some(interactive.clone());
        eprintln!("gantry: a shell in {stage} once the stages it needs are done (run {}); `exit` leaves", folder.id);
        let code = run::drive(engine, &prepared.plan, settings, vec![Box::new(PlainDisplay)]).await;
        terminal.finish().await;
        match interactive.exit_status() {
            Some(status) => session_exit_code(Ok(status)),
            None => code,
        }
    })
}

/// `gantry run --stage STAGE [PIPELINE]` with the shell's build flags: the stage and what it
/// needs, never kept, plain progress.
fn run_args(args: &ShellArgs, selector: &StageSelector) -> RunArgs {
    RunArgs {
        selection: SelectionArgs { pipelines: selector.pipeline.iter().cloned().collect(), stages: vec![selector.stage.clone()], skip: vec![] },
        repository: RepositoryRunFlags {
            jobs: None,
            keep_going: false,
            base_map: args.base_map.clone(),
            ca_bundle: args.ca_bundle.clone(),
            registry: None,
            cache_registry: None,
            cache_push: false,
            blubber_compat: false,
            deploy_target: None,
        },
        keep_failed: false,
        timeouts: vec![],
        output: OutputFormat::Human,
        progress: crate::args::ProgressMode::Plain,
        no_cache: args.no_cache,
        rerun: vec![],
        changed_since: None,
        cache_failures: false,
    }
}

/// The run's cache, except for the stage the shell opens: that one always runs (a session
/// is no result to restore) and its end is not kept.
struct OpenedStageRuns {
    cache: Arc<dyn StageCache>,
    opened: StageRef,
}

impl StageCache for OpenedStageRuns {
    fn lookup<'a>(&'a self, stage: &'a StageRef) -> CacheFuture<'a, CacheLookup> {
        if *stage == self.opened {
            return Box::pin(async { CacheLookup::Run { reason: "gantry shell opens it".into(), key: None } });
        }
        self.cache.lookup(stage)
    }

    fn save<'a>(&'a self, stage: &'a StageRef, result: &'a CachedResult) -> CacheFuture<'a, ()> {
        if *stage == self.opened {
            return Box::pin(async {});
        }
        self.cache.save(stage, result)
    }
}
