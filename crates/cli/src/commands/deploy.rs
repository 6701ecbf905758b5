//! `gantry deploy`, `gantry deploy status|rollback|history`: releases on a target — a Docker
//! Swarm with canary steps and automatic rollback (exit 4), one Docker host, or a Kubernetes
//! cluster through Helm — all through [`DeployTarget`].
//!
//! This module turns flags and `[deploy]` settings into a [`DeployRequest`] and a target,
//! renders the [`DeployEvent`] stream and maps outcomes to exit codes. It must not talk to
//! the engine, helm or a cluster itself (`gantry_deploy` does) and must not build images: a
//! deploy takes an image the registry has, so a config-only change never rebuilds.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use gantry_deploy::canary::{ErrorRateSpec, HttpProbeSpec};
use gantry_deploy::docker_target::Ttl;
use gantry_deploy::docker_target::{DockerHostTarget, PreviewHost};
use gantry_deploy::helm::{CI_NAMESPACE, DEFAULT_TIMEOUT, HelmCli, HelmTarget, HelmTargetSettings, chart_location};
use gantry_deploy::swarm::{NodeDialer, SwarmSettings, SwarmTarget};
use gantry_deploy::{
    AnalysisCheck, CanaryPlan, CanaryStep, CheckKind, ConfigFile, DeployError, DeployEvent, DeployLock,
    DeployOutcome, DeployRequest, DeployTarget, ImageRef, PublishedPort, ReleaseRecord,
    ReleaseState, SecretRef, SecretValue, ServiceStatus,
};
use tokio::sync::mpsc;

use crate::commands::env::preview_settings_from_environment;
use crate::exit_code::ExitCode;
use crate::settings::Settings;

/// `gantry deploy …`: a deploy, or one of the subcommands.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct DeployCommand {
    #[command(subcommand)]
    pub action: Option<DeployAction>,
    #[command(flatten)]
    pub deploy: DeployArgs,
}

#[derive(Debug, Subcommand)]
pub enum DeployAction {
    /// What runs now: release, image, replicas, a canary in progress.
    Status(ServiceArgs),
    /// Put a previous release back (default: the one before the live release), without building.
    Rollback {
        #[command(flatten)]
        service: ServiceArgs,
        /// The release number to go back to.
        #[arg(long, value_name = "N")]
        to: Option<u32>,
    },
    /// Every release of the service on the target, oldest first.
    History(ServiceArgs),
}

/// Which target, and how to reach it.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// What kind of target: a Docker Swarm (canaries, replicas), this Docker host (one
    /// container per service behind the `gantry env` proxy), or Kubernetes through Helm
    /// (`[deploy]` in gantry.toml: kubeconfig, namespace, charts-dir, chart-repo).
    #[arg(long, value_enum, default_value_t = TargetKind::Swarm, env = "GANTRY_DEPLOY_KIND")]
    pub kind: TargetKind,
    /// The target's name: release history lives in .gantry/deploy/NAME/releases.json
    /// (default: the kind).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// kubernetes (required there): the chart — a directory, a chart in `[deploy] charts-dir`,
    /// or a name in `[deploy] chart-repo`.
    #[arg(long, value_name = "CHART")]
    pub chart: Option<String>,
    /// A swarm manager's Docker API.
    #[arg(
        long = "swarm-host",
        env = "GANTRY_SWARM_HOST",
        default_value = "unix:///var/run/docker.sock",
        value_name = "URL"
    )]
    pub host: String,
    /// Probe the nodes' ports from inside this network namespace (`ip netns` name), for
    /// swarms whose nodes this host cannot reach directly (scripts/swarm-testbed.sh).
    #[arg(long = "swarm-netns", env = "GANTRY_SWARM_NETNS", value_name = "NAME")]
    pub netns: Option<String>,
    /// An overlay network both the stable and the canary service join, under the service's name.
    #[arg(
        long = "swarm-network",
        env = "GANTRY_SWARM_NETWORK",
        value_name = "NAME"
    )]
    pub network: Option<String>,
    /// Swarm's update monitor when a release is promoted (a task failing within it is rolled back).
    #[arg(long = "update-monitor", default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub update_monitor: Duration,
    /// How long a task gets to stop before it is killed (default: swarm's 10 s).
    #[arg(long = "stop-grace", value_parser = parse_duration, value_name = "DURATION")]
    pub stop_grace: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct ServiceArgs {
    /// The service's name.
    #[arg(long, value_name = "NAME")]
    pub service: String,
    #[command(flatten)]
    pub target: TargetArgs,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The service's name.
    #[arg(long, value_name = "NAME", required = true)]
    pub service: Option<String>,
    /// The image to deploy, as pushed to a registry the swarm can pull from (pinned to its digest).
    #[arg(long, value_name = "REF", required = true)]
    pub image: Option<String>,
    /// Replicas when fully rolled out.
    #[arg(long, default_value_t = 2)]
    pub replicas: u32,
    /// Publish the service's port on every node: HOST:CONTAINER (the canary uses HOST+1).
    #[arg(long, value_name = "HOST:CONTAINER", value_parser = parse_publish)]
    pub publish: Option<PublishedPort>,
    /// An environment variable of this release (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub env: Vec<(String, String)>,
    /// A file of this release: the local file SOURCE mounted at TARGET (repeatable).
    #[arg(long = "file", value_name = "SOURCE:TARGET", value_parser = parse_file_mapping)]
    pub files: Vec<(PathBuf, String)>,
    /// A secret of this release read from FILE, mounted at /run/secrets/NAME (repeatable).
    #[arg(long = "secret", value_name = "NAME=FILE", value_parser = parse_pair)]
    pub secrets: Vec<(String, String)>,
    #[command(flatten)]
    pub canary: CanaryArgs,
    /// How to print progress: lines for people, or one JSON event per line on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
    #[command(flatten)]
    pub target: TargetArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetKind {
    Swarm,
    Docker,
    Kubernetes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

/// The canary plan: steps, pause, and the analysis checks with their thresholds.
#[derive(Debug, Args)]
pub struct CanaryArgs {
    /// Roll out in steps, as percentages of the replicas (e.g. 10,50,100); without it the
    /// release replaces the stable one at once (swarm's rolling update).
    #[arg(long, value_name = "PERCENT,...", value_delimiter = ',')]
    pub canary: Vec<u8>,
    /// How long each step runs under analysis.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub pause: Duration,
    /// Time between two measurements.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub interval: Duration,
    /// How long past its pause a step may wait for every check to pass before it fails.
    #[arg(long = "no-data-timeout", default_value = "60s", value_parser = parse_duration, value_name = "DURATION")]
    pub no_data_timeout: Duration,
    /// Failed canary replicas (exited, unhealthy) tolerated; the health check always runs.
    #[arg(long = "max-unhealthy", default_value_t = 0, value_name = "N")]
    pub max_unhealthy: u32,
    /// HTTP probe: GET this path on every canary replica, expecting 200.
    #[arg(long, value_name = "PATH")]
    pub probe: Option<String>,
    /// HTTP probe: fail when a replica answers slower than this.
    #[arg(long = "probe-max-latency", value_parser = parse_duration, value_name = "DURATION")]
    pub probe_max_latency: Option<Duration>,
    /// Error rate: the Prometheus text endpoint of every canary replica (http_requests_total,
    /// errors where code starts with 5).
    #[arg(long, value_name = "PATH")]
    pub metrics: Option<String>,
    /// Error rate: fail above this share of errors per interval.
    #[arg(long = "max-error-rate", default_value_t = 0.05, value_name = "RATIO")]
    pub max_error_rate: f64,
    /// Error rate: fewer requests than this per interval are no data, not a verdict.
    #[arg(long = "min-requests", default_value_t = 20, value_name = "N")]
    pub min_requests: u64,
    /// Failed measurements tolerated per check and step.
    #[arg(long = "failure-limit", default_value_t = 0, value_name = "N")]
    pub failure_limit: u32,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    Ttl::parse(text)
        .map(|ttl| ttl.duration())
        .map_err(|error| error.to_string())
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

fn parse_file_mapping(text: &str) -> Result<(PathBuf, String), String> {
    match text.rsplit_once(':') {
        Some((source, target)) if !source.is_empty() && target.starts_with('/') => {
            Ok((source.into(), target.to_owned()))
        }
        _ => Err(format!("expected SOURCE:/absolute/target, got {text:?}")),
    }
}

fn parse_publish(text: &str) -> Result<PublishedPort, String> {
    let (host, container) = text
        .split_once(':')
        .ok_or_else(|| format!("expected HOST:CONTAINER, got {text:?}"))?;
    let port = |part: &str| {
        part.parse::<u16>()
            .map_err(|_| format!("{part:?} is not a port"))
    };
    Ok(PublishedPort {
        host: port(host)?,
        container: port(container)?,
    })
}

pub fn run(repo: &Path, command: &DeployCommand) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("gantry: cannot start the async runtime: {error}");
            return ExitCode::Infrastructure;
        }
    };
    let result = runtime.block_on(async {
        match &command.action {
            None => deploy(repo, &command.deploy).await,
            Some(DeployAction::Status(args)) => status(&*Target::connect(repo, &args.target).await?, &args.service).await,
            Some(DeployAction::Rollback { service, to }) => {
                let _lock = DeployLock::acquire(&state_dir(repo), &target_name(&service.target), &service.service)?;
                rollback(&*Target::connect(repo, &service.target).await?, &service.service, *to).await
            }
            Some(DeployAction::History(args)) => history(&*Target::connect(repo, &args.target).await?, &args.service).await,
        }
    });
    result.unwrap_or_else(|error| report(&error))
}

/// The target the flags name, ready to use.
enum Target {
    Swarm(SwarmTarget),
    Other(Box<dyn DeployTarget>),
}

impl std::ops::Deref for Target {
    type Target = dyn DeployTarget;

    fn deref(&self) -> &Self::Target {
        match self {
            Target::Swarm(swarm) => swarm,
            Target::Other(target) => target.as_ref(),
        }
    }
}

impl Target {
    async fn connect(repo: &Path, args: &TargetArgs) -> Result<Self, DeployError> {
        let (state_dir, name) = (state_dir(repo), target_name(args));
        match args.kind {
            TargetKind::Swarm => Ok(Target::Swarm(swarm_target(&name, &state_dir, args))),
            TargetKind::Docker => {
                let host = PreviewHost::connect(preview_settings_from_environment()?).await?;
                Ok(Target::Other(Box::new(DockerHostTarget::new(name, host, state_dir))))
            }
            TargetKind::Kubernetes => Ok(Target::Other(Box::new(helm_target(repo, name, state_dir, args)?))),
        }
    }
}

/// Where release history and deploy locks live.
fn state_dir(repo: &Path) -> PathBuf {
    repo.join(".gantry")
}

/// The target's name in release history: `--target`, else the kind.
fn target_name(args: &TargetArgs) -> String {
    args.target.clone().unwrap_or_else(|| kind_name(args.kind).to_owned())
}

fn kind_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Swarm => "swarm",
        TargetKind::Docker => "docker",
        TargetKind::Kubernetes => "kubernetes",
    }
}

fn swarm_target(name: &str, state_dir: &Path, args: &TargetArgs) -> SwarmTarget {
    let mut settings = SwarmSettings::new(name, &args.host, state_dir);
    settings.network = args.network.clone();
    settings.dialer = args
        .netns
        .as_deref()
        .map_or(NodeDialer::Direct, NodeDialer::netns);
    settings.update_monitor = args.update_monitor;
    settings.stop_grace_period = args.stop_grace;
    SwarmTarget::new(settings)
}

/// The `kubernetes` target from `[deploy]` and `--chart` (looked up in `[deploy] charts-dir`
/// first).
fn helm_target(repo: &Path, name: String, state_dir: PathBuf, args: &TargetArgs) -> Result<HelmTarget, DeployError> {
    let settings = Settings::load(repo).map_err(|message| DeployError::Invalid(format!("invalid settings file {message}")))?;
    let deploy = settings.deploy;
    let program = HelmCli::locate(std::env::var_os("PATH").as_deref())
        .ok_or_else(|| DeployError::Invalid("the kubernetes target needs helm 3 on PATH (scripts/setup.sh installs it)".into()))?;
    let helm = HelmCli { program, kubeconfig: deploy.kubeconfig.clone(), kube_context: deploy.kube_context.clone() };
    let chart = args.chart.clone().ok_or_else(|| DeployError::Invalid("the kubernetes target needs --chart (a chart directory or name)".into()))?;
    let (chart, repo) = chart_location(&chart, deploy.charts_dir.as_deref(), deploy.chart_repo.clone());
    Ok(HelmTarget::new(
        Arc::new(helm),
        HelmTargetSettings {
            name,
            chart,
            chart_version: None,
            repo,
            namespace: deploy.namespace.clone().unwrap_or_else(|| CI_NAMESPACE.into()),
            timeout: DEFAULT_TIMEOUT,
            run_tests: true,
            overrides: serde_json::Value::Null,
            state_dir,
        },
    ))
}

async fn deploy(repo: &Path, args: &DeployArgs) -> Result<ExitCode, DeployError> {
    let request = request(repo, args)?;
    // One deploy of a service at a time; held until this function returns.
    let _lock = DeployLock::acquire(&state_dir(repo), &target_name(&args.target), &request.service)?;
    let target = Target::connect(repo, &args.target).await?;
    let (events, display) = display(args.output);
    let outcome = tokio::select! {
        outcome = target.deploy(&request, events) => outcome,
        _ = tokio::signal::ctrl_c() => return interrupted(&target, &request.service).await,
    };
    let _ = display.await;
    let outcome = outcome?;
    print_outcome(&outcome, args.output);
    Ok(match outcome.state {
        ReleaseState::Live => ExitCode::Ok,
        ReleaseState::RolledBack => ExitCode::RolledBack,
        _ => ExitCode::Failed,
    })
}

/// Ctrl-C during a deploy: on a swarm the canary goes and the stable release serves on;
/// other targets have no canary to retire.
async fn interrupted(target: &Target, service: &str) -> Result<ExitCode, DeployError> {
    if let Target::Swarm(swarm) = target {
        eprintln!("gantry: interrupted; retiring the canary of {service} (the stable release serves on)");
        swarm.abandon(service).await?;
    } else {
        eprintln!("gantry: interrupted");
    }
    Ok(ExitCode::Interrupted)
}

fn request(repo: &Path, args: &DeployArgs) -> Result<DeployRequest, DeployError> {
    let (Some(service), Some(image)) = (&args.service, &args.image) else {
        return Err(DeployError::Invalid(
            "--service and --image are required".into(),
        ));
    };
    let mut request = DeployRequest::new(service, ImageRef::new(image), args.replicas);
    request.publish = args.publish;
    request.config.env = args.env.iter().cloned().collect();
    for (source, target) in &args.files {
        let content = std::fs::read_to_string(repo.join(source))
            .map_err(|error| unreadable(source, error))?;
        request.config.files.push(ConfigFile {
            target: target.clone(),
            content,
        });
    }
    for (name, file) in &args.secrets {
        let value =
            std::fs::read(repo.join(file)).map_err(|error| unreadable(Path::new(file), error))?;
        request.config.secrets.push(SecretRef::for_value(
            name,
            format!("/run/secrets/{name}"),
            &value,
        ));
        request
            .secret_values
            .insert(name.clone(), SecretValue(value));
    }
    request.canary = canary_plan(&args.canary);
    Ok(request)
}

fn unreadable(path: &Path, error: std::io::Error) -> DeployError {
    DeployError::Invalid(format!("cannot read {}: {error}", path.display()))
}

fn canary_plan(args: &CanaryArgs) -> Option<CanaryPlan> {
    if args.canary.is_empty() {
        return None;
    }
    let check = |name: &str, kind| AnalysisCheck {
        name: name.to_owned(),
        kind,
        failure_limit: args.failure_limit,
    };
    let mut checks = vec![check(
        "health",
        CheckKind::Health {
            max_unhealthy: args.max_unhealthy,
        },
    )];
    if let Some(path) = &args.probe {
        let probe = HttpProbeSpec {
            max_latency: args.probe_max_latency,
            ..HttpProbeSpec::new(path)
        };
        checks.push(check("probe", CheckKind::HttpProbe(probe)));
    }
    if let Some(path) = &args.metrics {
        let errors = ErrorRateSpec {
            min_requests: args.min_requests,
            ..ErrorRateSpec::http_requests(path, args.max_error_rate)
        };
        checks.push(check("error-rate", CheckKind::ErrorRate(errors)));
    }
    Some(CanaryPlan {
        steps: args
            .canary
            .iter()
            .map(|&percent| CanaryStep { percent })
            .collect(),
        pause: args.pause,
        interval: args.interval,
        no_data_timeout: args.no_data_timeout,
        checks,
    })
}

/// A channel for deploy events and the task that prints them.
fn display(format: OutputFormat) -> (mpsc::Sender<DeployEvent>, tokio::task::JoinHandle<()>) {
    let (sender, mut receiver) = mpsc::channel(64);
    let task = tokio::spawn(async move {
        while let Some(event) = receiver.recv().await {
            match format {
                OutputFormat::Human => eprintln!("{}", describe(&event)),
                OutputFormat::Json => {
                    println!("{}", serde_json::to_string(&event).unwrap_or_default())
                }
            }
        }
    });
    (sender, task)
}

fn describe(event: &DeployEvent) -> String {
    match event {
        DeployEvent::ReleaseStarted {
            service,
            release,
            image,
            config_version,
            ..
        } => {
            format!("release {release} of {service}: {image} (config {config_version})")
        }
        DeployEvent::StepStarted {
            step,
            percent,
            replicas,
            total,
            ..
        } => {
            format!(
                "step {}: {percent} % → {replicas} of {total} replicas on the new release",
                step + 1
            )
        }
        DeployEvent::Measured {
            check,
            phase,
            detail,
            ..
        } => format!("  {check}: {} — {detail}", phase_word(*phase)),
        DeployEvent::StepPassed { step } => format!("step {} passed", step + 1),
        DeployEvent::AnalysisFailed {
            step,
            check,
            detail,
            ..
        } => format!("step {}: check {check} failed — {detail}", step + 1),
        DeployEvent::RollbackStarted { from, to, reason } => {
            format!("rolling back from release {from} to release {to}: {reason}")
        }
        DeployEvent::RollbackFinished { to, millis } => {
            format!("release {to} serves again ({millis} ms)")
        }
        DeployEvent::Promoted { release } => format!("release {release} is live on every replica"),
        DeployEvent::Note { message } => message.clone(),
    }
}

fn phase_word(phase: gantry_deploy::MeasurementPhase) -> &'static str {
    match phase {
        gantry_deploy::MeasurementPhase::Pass => "pass",
        gantry_deploy::MeasurementPhase::Fail => "FAIL",
        gantry_deploy::MeasurementPhase::NoData => "no data",
        gantry_deploy::MeasurementPhase::Error => "error",
    }
}

fn print_outcome(outcome: &DeployOutcome, format: OutputFormat) {
    let release = &outcome.release;
    let state = state_word(outcome.state);
    let reason = outcome
        .reason
        .as_deref()
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default();
    match format {
        OutputFormat::Human => println!(
            "{} release {}: {state}{reason}",
            release.service, release.number
        ),
        OutputFormat::Json => {
            let line = serde_json::json!({"outcome": state, "service": release.service, "release": release.number, "reason": outcome.reason});
            println!("{line}");
        }
    }
}

fn state_word(state: ReleaseState) -> &'static str {
    match state {
        ReleaseState::Progressing => "progressing",
        ReleaseState::Live => "live",
        ReleaseState::Superseded => "superseded",
        ReleaseState::RolledBack => "rolled back",
        ReleaseState::Failed => "failed",
    }
}

async fn status(target: &dyn DeployTarget, service: &str) -> Result<ExitCode, DeployError> {
    let ServiceStatus {
        service,
        release,
        image,
        desired_replicas,
        running_replicas,
        canary_replicas,
        notes,
    } = target.status(service).await?;
    let release = release.map_or_else(|| "none".to_owned(), |n| n.to_string());
    println!(
        "service:  {service}\nrelease:  {release}\nimage:    {}",
        image.unwrap_or_else(|| "-".into())
    );
    println!(
        "replicas: {running_replicas} of {desired_replicas} running, {canary_replicas} canary"
    );
    for note in notes {
        println!("note:     {note}");
    }
    Ok(ExitCode::Ok)
}

async fn rollback(
    target: &dyn DeployTarget,
    service: &str,
    to: Option<u32>,
) -> Result<ExitCode, DeployError> {
    let (events, display) = display(OutputFormat::Human);
    let outcome = target.rollback(service, to, events).await;
    let _ = display.await;
    print_outcome(&outcome?, OutputFormat::Human);
    Ok(ExitCode::Ok)
}

async fn history(target: &dyn DeployTarget, service: &str) -> Result<ExitCode, DeployError> {
    for record in target.history(service).await? {
        println!("{}", history_line(&record));
    }
    Ok(ExitCode::Ok)
}

fn history_line(record: &ReleaseRecord) -> String {
    let release = &record.release;
    let started = serde_json::to_value(record)
        .ok()
        .and_then(|value| value["started_at"].as_str().map(str::to_owned));
    let reason = record
        .reason
        .as_deref()
        .map(|reason| format!("  {reason}"))
        .unwrap_or_default();
    format!(
        "{:>4}  {:<11}  {}  {}  config {}{reason}",
        release.number,
        state_word(record.state),
        started.unwrap_or_default(),
        release.image,
        release.config_version
    )
}

fn report(error: &DeployError) -> ExitCode {
    eprintln!("gantry: {error}");
    match error {
        DeployError::Invalid(_)
        | DeployError::NoPreviousRelease { .. }
        | DeployError::UnknownService { .. } => ExitCode::Invalid,
        _ => ExitCode::Infrastructure,
    }
}
