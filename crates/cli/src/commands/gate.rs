//! `gantry gate REPO_DIR...`: one gate over several repositories in one process. Every
//! repository is planned and checked first (an invalid one stops the gate before anything
//! runs, exit 2); every stage key is computed with one engine connection (each base image
//! looked up once); a repository whose every stage is restorable from the stage cache is
//! reported `cached` without starting a run; the others run at once, each as `gantry run`
//! runs it (its own `.pipeline/gantry.toml`, run folder and record), their running stages
//! sharing one `--jobs` bound. One summary says, per repository, what was cached and what
//! ran; the exit code is the worst of theirs.
//!
//! This module must not run stages or decide what is cached itself: `run`'s
//! [`RepositoryRun`] runs, `cached_stages` decides.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gantry_backend_docker::DockerEngine;
use gantry_engine::{EngineDescription, RunEvent};
use gantry_image::CompileOptions;
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

use crate::args::{ProgressMode, SelectionArgs};
use crate::build_options::compile_options;
use crate::commands::run::cached_stages::{self, CacheSetup};
use crate::commands::run::{self, OutputFormat, Prepared, RepositoryRun, RepositoryRunFlags, RunArgs};
use crate::commands::stage_keys::{CheckoutKeys, EngineImages, plan_keys};
use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;
use crate::run_display::{RunEventSink, plain_line, seconds, status_word};

/// `gantry gate` as typed.
#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// The repositories, each a directory with `.pipeline/config.yaml` (`-C` is ignored).
    #[arg(value_name = "REPO_DIR", required = true)]
    pub repos: Vec<PathBuf>,
    // `--jobs` bounds the running stages of all repositories together.
    #[command(flatten)]
    pub repository: RepositoryRunFlags,
    /// `human`: the running repositories' progress as plain lines on stderr and a summary
    /// table; `json`: one JSON object per repository, then one for the gate, on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
}

impl GateArgs {
    /// What each repository's run is given, as if `gantry run` had been typed in it.
    fn run_args(&self) -> RunArgs {
        RunArgs {
            selection: SelectionArgs { pipelines: Vec::new(), stages: Vec::new(), skip: Vec::new() },
            repository: self.repository.clone(),
            keep_failed: false,
            timeouts: Vec::new(),
            output: self.output,
            progress: ProgressMode::Plain,
            no_cache: false,
            rerun: Vec::new(),
            changed_since: None,
            cache_failures: false,
        }
    }
}

/// One repository of the gate, planned.
struct Member {
    /// As typed: the summary's name for it.
    dir: PathBuf,
    prepared: Prepared,
}

/// How one repository went through the gate.
struct Verdict {
    dir: PathBuf,
    code: ExitCode,
    /// `cached` when no run started, else the run's outcome.
    result: String,
    /// `pipeline/stage` and its status word (`cached`, `ok`, `failed`, …), in finishing order.
    stages: Vec<(String, String)>,
    record: Option<PathBuf>,
    duration_ms: u64,
}

pub fn run(args: &GateArgs) -> ExitCode {
    let started = Instant::now();
    let run_args = args.run_args();
    let mut members = Vec::new();
    let mut invalid = false;
    for dir in &args.repos {
        match run::prepare(dir, &run_args) {
            Ok(prepared) => members.push(Member { dir: dir.clone(), prepared }),
            Err(ExitCode::Ok) => {}
            Err(_) => {
                eprintln!("gantry: gate: {} is invalid (above); nothing was run", dir.display());
                invalid = true;
            }
        }
    }
    if invalid {
        return ExitCode::Invalid;
    }
    with_engine(|engine| async move {
        let verdicts = match gate(&run_args, members, engine).await {
            Ok(verdicts) => verdicts,
            Err(code) => return code,
        };
        report(args.output, &verdicts, elapsed_ms(started))
    })
}

async fn gate(args: &RunArgs, members: Vec<Member>, engine: DockerEngine) -> Result<Vec<Verdict>, ExitCode> {
    let compiles = member_compile_options(args, &members, &engine).await?;
    // The engine describes itself (for the records of the runs) while the keys are computed.
    let (keys, description) = tokio::join!(all_keys(&members, &compiles, &engine), engine.describe());
    let description = description.map_err(|e| {
        eprintln!("gantry: {e}");
        ExitCode::Infrastructure
    })?;
    let cancel = CancellationToken::new();
    let interrupts = signal(SignalKind::interrupt()).map_err(|e| {
        eprintln!("gantry: cannot listen for Ctrl-C: {e}");
        ExitCode::Infrastructure
    })?;
    let interrupt = tokio::spawn(run::stop_on_interrupt(interrupts, cancel.clone()));
    let slots = Arc::new(tokio::sync::Semaphore::new(run::jobs(args).max(1)));
    // Every repository at once: a repository's run starts as soon as its own check finds a
    // stage to run, while the other repositories are still being checked.
    let engine = &engine;
    let repositories = members.into_iter().zip(compiles).zip(keys).map(|((member, compile), keys)| {
        let shared = Shared { args, engine, description: description.clone(), cancel: cancel.clone(), slots: slots.clone() };
        async move {
            match restored(args, &member, &compile, engine, keys.clone()).await {
                Some(verdict) => verdict,
                None => run_member(shared, member, compile, keys).await,
            }
        }
    });
    let verdicts = futures_util::future::join_all(repositories).await;
    interrupt.abort();
    Ok(verdicts)
}

/// Each repository's compile options; a CA bundle is imported into the engine once.
async fn member_compile_options(args: &RunArgs, members: &[Member], engine: &DockerEngine) -> Result<Vec<CompileOptions>, ExitCode> {
    let mut imported: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    let mut compiles = Vec::new();
    for member in members {
        let options = &member.prepared.options;
        let compile = match &options.ca_bundle {
            Some(bundle) if imported.contains_key(bundle) => {
                let compile = compile_options(options.base_map.clone(), imported[bundle].clone());
                CompileOptions { package_cache_mounts: !args.repository.blubber_compat, ..compile }
            }
            _ => {
                let compile = run::compile_options(args, options, engine).await?;
                if let Some(bundle) = &options.ca_bundle {
                    imported.insert(bundle.clone(), compile.ca_bundle_image.clone());
                }
                compile
            }
        };
        compiles.push(compile);
    }
    Ok(compiles)
}

/// Every repository's stage keys, on one blocking thread, each base image looked up once.
async fn all_keys(members: &[Member], compiles: &[CompileOptions], engine: &DockerEngine) -> Vec<CheckoutKeys> {
    let work: Vec<_> = members.iter().zip(compiles).map(|(m, c)| (m.dir.clone(), m.prepared.plan.clone(), c.clone(), m.prepared.env.clone())).collect();
    let engine = engine.clone();
    let count = work.len();
    let computed = tokio::task::spawn_blocking(move || {
        let images = EngineImages::new(tokio::runtime::Handle::current(), Some(engine));
        work.iter().map(|(dir, plan, compile, env)| plan_keys(dir, plan, compile, &images, &|name| env.get(name).cloned())).collect()
    });
    computed.await.unwrap_or_else(|_| vec![CheckoutKeys::default(); count])
}

/// The verdict of a repository whose every stage was restored, `None` when one would run.
async fn restored(args: &RunArgs, member: &Member, compile: &CompileOptions, engine: &DockerEngine, keys: CheckoutKeys) -> Option<Verdict> {
    let started = Instant::now();
    let prepared = &member.prepared;
    let setup = CacheSetup { repo: &member.dir, plan: &prepared.plan, options: compile, environment: &prepared.env, engine, run_id: "" };
    let stages = cached_stages::open(args, &setup, Some(keys)).await?;
    let restored = stages.restore_all(&member.prepared.plan).await?;
    Some(Verdict {
        dir: member.dir.clone(),
        code: ExitCode::Ok,
        result: "cached".into(),
        stages: restored.iter().map(|stage| (stage.to_string(), "cached".to_owned())).collect(),
        record: None,
        duration_ms: elapsed_ms(started),
    })
}

/// What every run of the gate shares.
struct Shared<'a> {
    args: &'a RunArgs,
    engine: &'a DockerEngine,
    description: EngineDescription,
    cancel: CancellationToken,
    slots: Arc<tokio::sync::Semaphore>,
}

async fn run_member(shared: Shared<'_>, member: Member, compile: CompileOptions, keys: CheckoutKeys) -> Verdict {
    let started = Instant::now();
    let git = run::gather_git(&member.dir);
    let git = tokio::task::spawn_blocking(move || git.join().unwrap_or_default()).await.unwrap_or_default();
    let finished = Arc::new(Mutex::new(Vec::new()));
    let sink = GateLines { label: member.dir.display().to_string(), lines: shared.args.output == OutputFormat::Human, finished: finished.clone() };
    let repository = RepositoryRun {
        repo: &member.dir,
        args: shared.args,
        prepared: member.prepared,
        git,
        engine: shared.engine,
        description: shared.description,
        compile,
        keys: Some(keys),
        cancel: shared.cancel,
        stage_slots: Some(shared.slots),
    };
    let outcome = repository.run(|_| vec![Box::new(sink)]).await;
    let stages = std::mem::take(&mut *finished.lock().unwrap_or_else(|e| e.into_inner()));
    Verdict {
        dir: member.dir,
        code: outcome.code,
        result: result_word(outcome.code).into(),
        stages,
        record: outcome.record,
        duration_ms: elapsed_ms(started),
    }
}

/// A running repository's events as `gantry run --progress plain` prints them, each line
/// prefixed with the repository; keeps how each stage ended for the summary.
struct GateLines {
    label: String,
    lines: bool,
    finished: Arc<Mutex<Vec<(String, String)>>>,
}

impl RunEventSink for GateLines {
    fn event(&mut self, event: &RunEvent) {
        if let RunEvent::StageFinished { stage, report, .. } = event
            && let Ok(mut finished) = self.finished.lock()
        {
            finished.push((stage.to_string(), status_word(report).to_owned()));
        }
        if let (true, Some(line)) = (self.lines, plain_line(event)) {
            eprintln!("{}: {line}", self.label);
        }
    }
}

fn result_word(code: ExitCode) -> &'static str {
    match code {
        ExitCode::Ok => "succeeded",
        ExitCode::Failed => "failed",
        ExitCode::Interrupted => "interrupted",
        _ => "infrastructure",
    }
}

/// The worse of two exit codes: interrupted, then infrastructure, then failed, then ok.
fn worse(a: ExitCode, b: ExitCode) -> ExitCode {
    let rank = |code: ExitCode| match code {
        ExitCode::Ok => 0,
        ExitCode::Failed | ExitCode::RolledBack => 1,
        ExitCode::Invalid => 2,
        ExitCode::Infrastructure => 3,
        ExitCode::Interrupted => 4,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn report(output: OutputFormat, verdicts: &[Verdict], duration_ms: u64) -> ExitCode {
    let code = verdicts.iter().fold(ExitCode::Ok, |worst, v| worse(worst, v.code));
    let cached = verdicts.iter().filter(|v| v.record.is_none() && v.code == ExitCode::Ok).count();
    let ran = verdicts.len() - cached;
    match output {
        OutputFormat::Json => {
            for verdict in verdicts {
                let stages: serde_json::Map<String, serde_json::Value> = verdict.stages.iter().map(|(s, w)| (s.clone(), w.as_str().into())).collect();
                let line = serde_json::json!({
                    "repository": verdict.dir.display().to_string(),
                    "result": verdict.result,
                    "exit_code": verdict.code as u8,
                    "stages": stages,
                    "record": verdict.record.as_ref().map(|r| r.display().to_string()),
                    "duration_ms": verdict.duration_ms,
                });
                println!("{line}");
            }
            let gate = serde_json::json!({
                "gate": result_word(code), "exit_code": code as u8, "repositories": verdicts.len(),
                "cached": cached, "ran": ran, "duration_ms": duration_ms,
            });
            println!("{gate}");
        }
        OutputFormat::Human => print!("{}", table(verdicts, code, cached, ran, duration_ms)),
    }
    code
}

fn table(verdicts: &[Verdict], code: ExitCode, cached: usize, ran: usize, duration_ms: u64) -> String {
    let header = ["REPOSITORY", "RESULT", "STAGES", "TIME", "RECORD"].map(String::from);
    let rows: Vec<[String; 5]> = verdicts
        .iter()
        .map(|v| {
            let record = v.record.as_deref().map_or_else(|| "-".to_owned(), |r| r.display().to_string());
            [v.dir.display().to_string(), v.result.clone(), stage_counts(&v.stages), seconds(v.duration_ms), record]
        })
        .collect();
    let widths: Vec<usize> = (0..4).map(|c| rows.iter().chain([&header]).map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for row in [&header].into_iter().chain(&rows) {
        let line = format!("{:w0$}  {:w1$}  {:w2$}  {:>w3$}  {}", row[0], row[1], row[2], row[3], row[4], w0 = widths[0], w1 = widths[1], w2 = widths[2], w3 = widths[3]);
        text.push_str(line.trim_end());
        text.push('\n');
    }
    let plural = |n: usize| if n == 1 { "y" } else { "ies" };
    text.push_str(&format!(
        "gate {} in {}: {} repositor{}, {cached} cached, {ran} ran\n",
        result_word(code),
        seconds(duration_ms),
        verdicts.len(),
        plural(verdicts.len())
    ));
    text
}

/// `3 cached`, `2 ok, 1 cached`, `1 failed, 1 skipped, 1 cached`: how many stages ended how.
fn stage_counts(stages: &[(String, String)]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, word) in stages {
        *counts.entry(word.as_str()).or_default() += 1;
    }
    counts.iter().map(|(word, n)| format!("{n} {word}")).collect::<Vec<_>>().join(", ")
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_each_repository_and_counts_stages() {
        let verdict = |dir: &str, result: &str, stages: &[(&str, &str)], record: Option<&str>| Verdict {
            dir: dir.into(),
            code: if result == "failed" { ExitCode::Failed } else { ExitCode::Ok },
            result: result.into(),
            stages: stages.iter().map(|(s, w)| ((*s).to_owned(), (*w).to_owned())).collect(),
            record: record.map(PathBuf::from),
            duration_ms: 1200,
        };
        let verdicts = [
            verdict("a", "cached", &[("ci/lint", "cached"), ("ci/test", "cached")], None),
            verdict("b", "failed", &[("ci/lint", "ok"), ("ci/test", "failed")], Some("b/.gantry/runs/x/record.json")),
        ];
        assert_eq!(
            table(&verdicts, ExitCode::Failed, 1, 1, 2500),
            "REPOSITORY  RESULT  STAGES          TIME  RECORD\n\
             a           cached  2 cached        1.2s  -\n\
             b           failed  1 failed, 1 ok  1.2s  b/.gantry/runs/x/record.json\n\
             gate failed in 2.5s: 2 repositories, 1 cached, 1 ran\n"
        );
        assert_eq!(worse(ExitCode::Failed, ExitCode::Ok), ExitCode::Failed);
        assert_eq!(worse(ExitCode::Failed, ExitCode::Infrastructure), ExitCode::Infrastructure);
    }
}
