//! `gantry run [PIPELINE...] [--stage S]... [--skip S]...`: runs the repository's pipelines on
//! the Docker engine — stages in parallel as the graph allows, builds through the image
//! compiler, images published to the registry — with a live display (plain lines in CI, JSON
//! lines with `--output json`), each stage's log, a JUnit report and a versioned record in
//! `.gantry/runs/<run-id>/`.
//!
//! This module must not schedule or run steps (the engine's executor does) nor draw
//! (`run_display` does): it gathers what a run needs, starts it, stops it on Ctrl-C, and turns
//! its outcome into the exit code.

mod blubber_compiler;
pub(crate) mod cached_stages;
mod changed_since;
mod junit_report;
mod layer_cache;
mod referenced_environment;
pub(crate) mod run_folder;
pub(crate) mod run_record;
mod run_releases;
mod run_secrets;
mod setup_values;
mod stage_logs;
mod stage_timeout;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry_backend_docker::DockerEngine;
use gantry_engine::pipeline_run::{RegistryTarget, RunSettings, StageTimeouts, run_plan};
use gantry_engine::scheduler::SchedulerOptions;
use gantry_engine::{EngineDescription, RegistryAuth};
use gantry_plan::Plan;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::args::{ProgressMode, SelectionArgs, parse_mapping};
use crate::build_options::BuildOptions;
use crate::commands::pipeline::{CONFIG_FILE, load_plan};
use crate::commands::with_engine::with_engine;
use crate::commands::stage_keys::CheckoutKeys;
use crate::exit_code::ExitCode;
use crate::git_facts::GitFacts;
use crate::run_display::{JsonLines, LiveDisplay, PlainDisplay, RunEventSink, SummaryTable, spawn_sinks};
use crate::settings::Settings;

use blubber_compiler::BlubberCompiler;
use cached_stages::CacheSetup;
use gantry_image::CompileOptions;
use junit_report::JunitReport;
use run_folder::RunFolder;
use run_releases::RunReleases;
use run_record::{RECORD_VERSION, RecordWriter, RecordedPlan, RunRecord};
use stage_logs::StageLogs;
use stage_timeout::{StageTimeout, parse_stage_timeout};

/// Where `publish` pushes when neither `--registry` nor `[registry] address` says.
const DEFAULT_REGISTRY: &str = "127.0.0.1:5000";
/// The path images are pushed under, as PipelineLib's `<registry>/wikimedia/<name>`.
const DEFAULT_NAMESPACE: &str = "wikimedia";
/// Where `copy` steps put files, relative to the repository root.
const ARTIFACTS_DIR: &str = ".gantry/artifacts";

/// `gantry run` as typed.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub repository: RepositoryRunFlags,
    /// Keep the container of a stage whose command failed, for `gantry shell --failed`
    /// (`gantry ps` lists kept containers, `gantry clean` removes them).
    #[arg(long)]
    pub keep_failed: bool,
    /// How long a stage may run: `DURATION` for every stage, `STAGE=DURATION` for one
    /// (repeatable), e.g. `20m`, `90s`, `1h30m`.
    #[arg(long = "timeout", value_name = "[STAGE=]DURATION", value_parser = parse_stage_timeout)]
    pub timeouts: Vec<StageTimeout>,
    /// `human`: progress on stderr and a summary table; `json`: every event as one line of
    /// JSON on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
    /// Progress display: live on a terminal (not with CI=true), plain lines otherwise.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// Run every stage without the stage cache: nothing is reused and nothing stored.
    #[arg(long)]
    pub no_cache: bool,
    /// Run STAGE even when its result is cached (repeatable).
    #[arg(long, value_name = "STAGE")]
    pub rerun: Vec<String>,
    /// Run only the stages whose inputs differ from REV's (see `gantry affected`), and what
    /// they need.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Keep failed results in the cache too (by default a failure always runs again).
    #[arg(long)]
    pub cache_failures: bool,
}

/// The flags of one repository's run that `gantry run` and `gantry gate` share.
#[derive(Debug, Clone, clap::Args)]
pub struct RepositoryRunFlags {
    /// How many stages may run at once (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// When a stage fails, finish the stages that do not need it instead of stopping.
    #[arg(long)]
    pub keep_going: bool,
    /// Build FROM a different image: `FROM=TO`, exact reference or a prefix ending in `/`
    /// (repeatable; adds to `[images.base-map]` in gantry.toml).
    #[arg(long = "base-map", value_name = "FROM=TO", value_parser = parse_mapping)]
    pub base_map: Vec<(String, String)>,
    /// A CA bundle (PEM) for package installs behind a TLS-intercepting proxy; it is mounted
    /// during RUN steps only and never lands in an image.
    #[arg(long = "ca-bundle", value_name = "PATH")]
    pub ca_bundle: Option<PathBuf>,
    /// The registry `publish` pushes to (default: `[registry] address` in gantry.toml, else
    /// 127.0.0.1:5000).
    #[arg(long, value_name = "HOST[:PORT]")]
    pub registry: Option<String>,
    /// Share stage results through this OCI registry repository, e.g.
    /// `http://127.0.0.1:5000/gantry/cache` (results found there are reused), and image
    /// layers beside them (`.../layers/<project>:<variant>`, BuildKit's `--cache-from`).
    #[arg(long, value_name = "URL", env = "GANTRY_CACHE_REGISTRY")]
    pub cache_registry: Option<String>,
    /// Push this run's results and built layers to --cache-registry (CI does; laptops
    /// usually only pull).
    #[arg(long, env = "GANTRY_CACHE_PUSH")]
    pub cache_push: bool,
    /// Generate Dockerfiles exactly as Blubber does: no package-manager cache mounts.
    #[arg(long)]
    pub blubber_compat: bool,
    /// Where `deploy` steps put their release (default: `[deploy] target` in gantry.toml):
    /// `docker`, a preview environment on this host with a URL; `kubernetes`, a CI release
    /// through helm, removed when the run ends.
    #[arg(long, value_enum, value_name = "TARGET")]
    pub deploy_target: Option<crate::settings::StepTarget>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

/// What a run needs that can be known, and checked, before the engine is contacted.
pub(crate) struct Prepared {
    pub plan: Plan,
    settings: Settings,
    pub options: BuildOptions,
    pub env: BTreeMap<String, String>,
    credentials: BTreeMap<String, String>,
    auth: Option<RegistryAuth>,
}

pub fn run(repo: &Path, args: &RunArgs) -> ExitCode {
    let prepared = match prepare(repo, args) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    // git answers while the engine is contacted and the keys are computed.
    let git = gather_git(repo);
    with_engine(|engine| execute(repo, args, prepared, git, engine))
}

/// Asks git about `repo` on a thread of its own.
pub(crate) fn gather_git(repo: &Path) -> std::thread::JoinHandle<GitFacts> {
    let repo = repo.to_path_buf();
    std::thread::spawn(move || GitFacts::gather(&repo))
}

/// Plans, reads the settings and secrets, and compiles every build known in advance, so that
/// an invalid spec never starts a run (exit 2).
pub(crate) fn prepare(repo: &Path, args: &RunArgs) -> Result<Prepared, ExitCode> {
    let invalid = |message: String| {
        eprintln!("gantry: {message}");
        ExitCode::Invalid
    };
    let Some(selection) = changed_since::changed_selection(repo, &args.selection, args.changed_since.as_deref())? else {
        return Err(ExitCode::Ok);
    };
    let (plan, _) = load_plan(repo, &selection)?;
    let settings = Settings::load(repo).map_err(|m| invalid(format!("invalid settings file {m}")))?;
    let options = BuildOptions::new(&settings, &args.repository.base_map, args.repository.ca_bundle.as_ref());
    let offline = BlubberCompiler { repo: repo.to_path_buf(), options: options.offline() };
    offline.check(&plan).map_err(|problems| {
        eprint!("{problems}");
        ExitCode::Invalid
    })?;
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let credentials = run_secrets::credentials(&plan, &env).map_err(invalid)?;
    let auth = run_secrets::registry_auth(&settings.registry, &env).map_err(invalid)?;
    Ok(Prepared { plan, settings, options, env, credentials, auth })
}

async fn execute(repo: &Path, args: &RunArgs, prepared: Prepared, git: std::thread::JoinHandle<GitFacts>, engine: DockerEngine) -> ExitCode {
    // The engine describes itself while the CA bundle is imported and the keys computed.
    let (description, compile) = tokio::join!(engine.describe(), compile_options(args, &prepared.options, &engine));
    let description = match description {
        Ok(description) => description,
        Err(e) => return infrastructure(e.to_string()),
    };
    let compile = match compile {
        Ok(compile) => compile,
        Err(code) => return code,
    };
    let cancel = CancellationToken::new();
    // Listening before the run starts: a Ctrl-C from then on stops the run, never the process.
    let interrupts = match signal(SignalKind::interrupt()) {
        Ok(interrupts) => interrupts,
        Err(e) => return infrastructure(format!("cannot listen for Ctrl-C: {e}")),
    };
    let interrupt = tokio::spawn(stop_on_interrupt(interrupts, cancel.clone()));
    let git = tokio::task::spawn_blocking(move || git.join().unwrap_or_default()).await.unwrap_or_default();
    let run = RepositoryRun { repo, args, prepared, git, engine: &engine, description, compile, keys: None, cancel, stage_slots: None };
    let outcome = run.run(|folder| display(args, folder)).await;
    interrupt.abort();
    outcome.code
}

fn infrastructure(message: String) -> ExitCode {
    eprintln!("gantry: {message}");
    ExitCode::Infrastructure
}

/// The compile options of a run's builds: the CA bundle imported into the engine, package
/// cache mounts unless `--blubber-compat`.
pub(crate) async fn compile_options(args: &RunArgs, options: &BuildOptions, engine: &DockerEngine) -> Result<CompileOptions, ExitCode> {
    let compile = options.for_engine(engine).await?;
    Ok(CompileOptions { package_cache_mounts: !args.repository.blubber_compat, ..compile })
}

/// One repository's run on a connected engine: what `gantry run` and `gantry gate` share.
pub(crate) struct RepositoryRun<'a> {
    pub repo: &'a Path,
    pub args: &'a RunArgs,
    pub prepared: Prepared,
    pub git: GitFacts,
    pub engine: &'a DockerEngine,
    pub description: EngineDescription,
    pub compile: CompileOptions,
    /// The stage keys when the caller computed them already (the gate does, for every
    /// repository at once); `None` computes them.
    pub keys: Option<CheckoutKeys>,
    pub cancel: CancellationToken,
    /// Shared with other runs in this process: a stage that runs (not a restored one) holds
    /// one slot while it runs.
    pub stage_slots: Option<Arc<tokio::sync::Semaphore>>,
}

/// How a [`RepositoryRun`] ended.
pub(crate) struct RepositoryOutcome {
    pub code: ExitCode,
    /// The run's record, `None` when the run folder could not be made.
    pub record: Option<PathBuf>,
}

impl RepositoryRun<'_> {
    /// Runs the plan with the display `display` gives for the run's folder, plus the
    /// recorders (stage logs, JUnit, record).
    pub async fn run(self, display: impl FnOnce(&RunFolder) -> Vec<Box<dyn RunEventSink>>) -> RepositoryOutcome {
        let RepositoryRun { repo, args, prepared, git, engine, description, compile, keys, cancel, stage_slots } = self;
        let folder = match RunFolder::create(repo) {
            Ok(folder) => folder,
            Err(e) => {
                let code = infrastructure(format!("cannot create the run folder in {}: {e}", repo.display()));
                return RepositoryOutcome { code, record: None };
            }
        };
        let mut settings = engine_settings(repo, args, &prepared, engine, &folder, &git, compile, keys).await;
        settings.stage_slots = stage_slots;
        let releases = RunReleases::from_settings(&git, &folder.dir, &prepared.settings.deploy, args.repository.deploy_target, &prepared.settings.promote);
        settings.releases = match releases {
            Ok(releases) => Some(Arc::new(releases)),
            Err(message) => {
                eprintln!("gantry: {message}");
                return RepositoryOutcome { code: ExitCode::Invalid, record: None };
            }
        };
        let record = first_record(repo, args, &prepared, &settings, &git, description);
        let mut sinks = display(&folder);
        sinks.extend(recorders(&folder, record));
        let code = run_with_sinks(engine, &prepared.plan, settings, sinks, cancel).await;
        RepositoryOutcome { code, record: Some(folder.dir.join("record.json")) }
    }
}

/// A run's settings with its stage cache: keys computed with `compile` (or given, when the
/// caller computed them already), images looked up on the engine.
#[allow(clippy::too_many_arguments)] // one repository run's parts, each needed once
pub(crate) async fn engine_settings(
    repo: &Path,
    args: &RunArgs,
    prepared: &Prepared,
    engine: &DockerEngine,
    folder: &RunFolder,
    git: &GitFacts,
    compile: CompileOptions,
    keys: Option<CheckoutKeys>,
) -> RunSettings {
    let setup = CacheSetup { repo, plan: &prepared.plan, options: &compile, environment: &prepared.env, engine, run_id: &folder.id };
    let cache = cached_stages::for_run(args, setup, keys).await;
    let mut settings = run_settings(repo, args, prepared, folder, git, BlubberCompiler { repo: repo.to_path_buf(), options: compile });
    settings.cache = cache;
    settings
}

/// Runs `plan` with `settings`, its events going to `sinks`; a Ctrl-C stops the run (and
/// removes what it created) instead of the process.
pub(crate) async fn drive(engine: DockerEngine, plan: &Plan, settings: RunSettings, sinks: Vec<Box<dyn RunEventSink>>) -> ExitCode {
    let cancel = CancellationToken::new();
    // Listening before the run starts: a Ctrl-C from then on stops the run, never the process.
    let interrupts = match signal(SignalKind::interrupt()) {
        Ok(interrupts) => interrupts,
        Err(e) => return infrastructure(format!("cannot listen for Ctrl-C: {e}")),
    };
    let interrupt = tokio::spawn(stop_on_interrupt(interrupts, cancel.clone()));
    let code = run_with_sinks(&engine, plan, settings, sinks, cancel).await;
    interrupt.abort();
    code
}

/// Runs `plan`, its events going to `sinks`; a problem of a sink (a record that could not be
/// written) turns success into an infrastructure failure.
async fn run_with_sinks(
    engine: &DockerEngine,
    plan: &Plan,
    settings: RunSettings,
    sinks: Vec<Box<dyn RunEventSink>>,
    cancel: CancellationToken,
) -> ExitCode {
    let (sender, receiver) = mpsc::channel(1024);
    let consumers = spawn_sinks(receiver, sinks);
    let outcome = run_plan(Arc::new(engine.clone()), plan, settings, sender, cancel).await;
    let problems = tokio::task::spawn_blocking(move || consumers.join()).await;
    let problems = problems.ok().and_then(Result::ok).unwrap_or_else(|| vec!["the event consumers stopped unexpectedly".into()]);
    problems.iter().for_each(|problem| eprintln!("gantry: {problem}"));
    match (ExitCode::from(outcome), problems.is_empty()) {
        (ExitCode::Ok, false) => ExitCode::Infrastructure,
        (code, _) => code,
    }
}

pub(crate) async fn stop_on_interrupt(mut interrupts: Signal, cancel: CancellationToken) {
    if interrupts.recv().await.is_some() {
        eprintln!("gantry: interrupted; stopping the stages and removing what the run created");
        cancel.cancel();
    }
}

fn run_settings(repo: &Path, args: &RunArgs, prepared: &Prepared, folder: &RunFolder, git: &GitFacts, compiler: BlubberCompiler) -> RunSettings {
    let registry = &prepared.settings.registry;
    RunSettings {
        run_id: folder.id.clone(),
        repo_root: repo.to_path_buf(),
        artifacts_dir: repo.join(ARTIFACTS_DIR),
        setup: setup_values::setup_values(repo, &folder.dir, git),
        environment: prepared.env.clone(),
        credentials: prepared.credentials.clone(),
        registry: RegistryTarget {
            address: args.repository.registry.clone().or_else(|| registry.address.clone()).unwrap_or_else(|| DEFAULT_REGISTRY.into()),
            namespace: registry.namespace.clone().unwrap_or_else(|| DEFAULT_NAMESPACE.into()),
            auth: prepared.auth.clone(),
        },
        dockerfiles: Arc::new(compiler),
        scheduling: SchedulerOptions { jobs: jobs(args), keep_going: args.repository.keep_going },
        timeouts: stage_timeouts(&args.timeouts),
        keep_failed: args.keep_failed,
        cache: None,
        stage_slots: None,
        layer_cache: layer_cache::for_run(args),
        releases: None,
        interactive: None,
    }
}

pub(crate) fn jobs(args: &RunArgs) -> usize {
    args.repository.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn stage_timeouts(flags: &[StageTimeout]) -> StageTimeouts {
    let mut timeouts = StageTimeouts::default();
    for flag in flags {
        match &flag.stage {
            Some(stage) => _ = timeouts.stages.insert(stage.clone(), flag.limit),
            None => timeouts.default = Some(flag.limit),
        }
    }
    timeouts
}

/// The record as far as it is known before the first event.
fn first_record(repo: &Path, args: &RunArgs, prepared: &Prepared, settings: &RunSettings, git: &GitFacts, engine: EngineDescription) -> RunRecord {
    let config = std::fs::read_to_string(repo.join(CONFIG_FILE)).unwrap_or_default();
    let environment = referenced_environment::referenced_environment(&config, &prepared.env);
    let ci = prepared.env.get("CI").is_some_and(|v| v == "true");
    let host = prepared.env.get("HOSTNAME").cloned().or_else(|| std::fs::read_to_string("/etc/hostname").ok());
    RunRecord {
        version: RECORD_VERSION,
        run_id: settings.run_id.clone(),
        origin: if ci { "ci".into() } else { host.map_or_else(|| "local".into(), |h| h.trim().to_owned()) },
        gantry_version: env!("CARGO_PKG_VERSION").into(),
        command: std::env::args().collect(),
        started_at: None,
        finished_at: None,
        duration_ms: 0,
        outcome: None,
        exit_code: None,
        error: None,
        inputs: crate::run_inputs::collect_with(repo, git, &engine, jobs(args), environment),
        engine,
        registry: settings.registry.address.clone(),
        plan: RecordedPlan { file: prepared.plan.file.to_string(), text: gantry_plan::render_plan(&prepared.plan) },
        setup: settings.setup.clone(),
        stages: Vec::new(),
    }
}

/// The display the flags ask for.
fn display(args: &RunArgs, folder: &RunFolder) -> Vec<Box<dyn RunEventSink>> {
    match args.output {
        OutputFormat::Json => vec![Box::new(JsonLines)],
        OutputFormat::Human if live(args.progress) => vec![Box::new(LiveDisplay::default()), Box::new(SummaryTable::new(folder.dir.clone()))],
        OutputFormat::Human => vec![Box::new(PlainDisplay), Box::new(SummaryTable::new(folder.dir.clone()))],
    }
}

/// What every run writes to its folder: stage logs, the JUnit report, the record.
fn recorders(folder: &RunFolder, record: RunRecord) -> Vec<Box<dyn RunEventSink>> {
    vec![
        Box::new(StageLogs::new(folder.clone())),
        Box::new(JunitReport::new(folder.dir.join("junit.xml"))),
        Box::new(RecordWriter::new(folder.dir.join("record.json"), record)),
    ]
}

/// `CI=true` changes the display only: plain lines even on a terminal.
pub(crate) fn live(progress: ProgressMode) -> bool {
    match progress {
        ProgressMode::Auto => std::io::stderr().is_terminal() && !std::env::var("CI").is_ok_and(|v| v == "true"),
        ProgressMode::Plain => false,
        ProgressMode::Tty => true,
    }
}
