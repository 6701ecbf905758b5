//! `gantry env up|list|down`: per-change preview environments on this Docker host, each
//! answering at `http://NAME.HOST:PORT/` through gantry's proxy container.
//!
//! There is no daemon: every `env up` and `env list` first removes the environments whose
//! TTL ran out. This module turns flags into a [`PreviewSettings`] and an
//! [`EnvironmentSpec`] and prints results; it must not talk to the engine itself
//! (`gantry_deploy::docker_target` does).

use std::path::Path;
use std::time::Duration;

use clap::{Args, Subcommand};
use gantry_deploy::{DeployError, Timestamp};
use gantry_deploy::docker_target::{
    DEFAULT_PROXY_IMAGE, Environment, EnvironmentName, EnvironmentSpec, Namespace, PreviewHost, PreviewSettings, Ttl,
};

use crate::args::{BuildArgs, ProgressMode, SpecArgs};
use crate::exit_code::ExitCode;

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// Deploy the current change as a temporary environment and print its URL (last line).
    Up(EnvUpArgs),
    /// List the environments (removing expired ones first).
    List(ProxyArgs),
    /// Remove an environment; the last one takes the proxy with it.
    Down {
        /// The environment's name.
        name: String,
        #[command(flatten)]
        proxy: ProxyArgs,
    },
}

/// Where environments live and how their URLs look.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Names and labels of everything created: gantry-* (the network, the proxy, the containers).
    #[arg(long, env = "GANTRY_ENV_NAMESPACE", default_value = Namespace::DEFAULT, value_name = "NAME")]
    pub namespace: String,
    /// The host name in URLs (NAME.HOST): localhost, or a wildcard DNS name for this machine.
    #[arg(long, env = "GANTRY_ENV_HOST", default_value = "localhost")]
    pub host: String,
    /// The address the proxy listens on; 0.0.0.0 shares environments with the network.
    #[arg(long, env = "GANTRY_ENV_LISTEN", default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub listen: String,
    /// The proxy's port when it is created (0: any free port); a running proxy keeps its own.
    #[arg(long, env = "GANTRY_ENV_PROXY_PORT", default_value_t = 8080, value_name = "PORT")]
    pub proxy_port: u16,
    /// The nginx image of the proxy (never pulled).
    #[arg(long, env = "GANTRY_ENV_PROXY_IMAGE", default_value = DEFAULT_PROXY_IMAGE, value_name = "IMAGE")]
    pub proxy_image: String,
}

#[derive(Debug, Args)]
pub struct EnvUpArgs {
    /// The environment's name (default: the git branch, else change-<short commit>).
    #[arg(long)]
    pub name: Option<String>,
    /// The image to run (one the engine has).
    #[arg(long, value_name = "REF", required_unless_present = "variant", conflicts_with = "variant")]
    pub image: Option<String>,
    /// Build this Blubber variant first and run the result.
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
    #[command(flatten)]
    pub spec: SpecArgs,
    /// A CA bundle for package installs when building --variant.
    #[arg(long = "ca-bundle", value_name = "PATH")]
    pub ca_bundle: Option<std::path::PathBuf>,
    /// The port the application listens on in its container.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// An environment variable for the application (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_variable)]
    pub env: Vec<(String, String)>,
    /// Remove the environment after this long (90s, 30m, 2h, 1d).
    #[arg(long, default_value = "1d", value_parser = Ttl::parse)]
    pub ttl: Ttl,
    /// Seconds to wait for the application to answer through the proxy (0: do not wait).
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub wait: u64,
    #[command(flatten)]
    pub proxy: ProxyArgs,
    /// Run this command instead of the image's.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

fn parse_variable(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {text:?}")),
    }
}

pub fn run(repo: &Path, command: &EnvCommand) -> ExitCode {
    match command {
        EnvCommand::Up(args) => up(repo, args),
        EnvCommand::List(proxy) => with_host(proxy, |host| async move { list(&host).await }),
        EnvCommand::Down { name, proxy } => {
            let name = match EnvironmentName::new(name) {
                Ok(name) => name,
                Err(error) => return report(&error),
            };
            with_host(proxy, |host| async move { down(&host, &name).await })
        }
    }
}

fn up(repo: &Path, args: &EnvUpArgs) -> ExitCode {
    let change = Change::of(repo);
    let name = match (&args.name, change.name()) {
        (Some(name), _) => EnvironmentName::new(name),
        (None, Some(name)) => Ok(name),
        (None, None) => Err(DeployError::Invalid("cannot name the environment after a git branch here; pass --name".into())),
    };
    let name = match name {
        Ok(name) => name,
        Err(error) => return report(&error),
    };
    let image = match (&args.image, &args.variant) {
        (Some(image), _) => image.clone(),
        (None, Some(variant)) => match build_variant(repo, args, variant, &name) {
            Ok(image) => image,
            Err(code) => return code,
        },
        (None, None) => return report(&DeployError::Invalid("pass --image REF or --variant VARIANT".into())),
    };
    let mut spec = EnvironmentSpec::new(name, image);
    spec.port = args.port;
    spec.env = args.env.iter().cloned().collect();
    spec.ttl = Some(args.ttl);
    spec.commit = change.commit;
    spec.command = (!args.command.is_empty()).then(|| args.command.clone());
    let wait = Duration::from_secs(args.wait);
    with_host(&args.proxy, |host| async move {
        eprintln!("gantry: bringing up {} from {} (TTL {})", spec.name, spec.image, args.ttl);
        let environment = host.up(&spec, wait).await?;
        eprintln!("gantry: {} is up until {}", environment.name, expiry(&environment));
        println!("{}", environment.url);
        Ok(())
    })
}

/// Builds `variant` with `gantry image build`'s path, tagged for this environment.
fn build_variant(repo: &Path, args: &EnvUpArgs, variant: &str, name: &EnvironmentName) -> Result<String, ExitCode> {
    let tag = format!("gantry.local/env-{name}:{variant}");
    let build = BuildArgs {
        spec: SpecArgs { file: args.spec.file.clone(), policy: args.spec.policy.clone() },
        variant: variant.to_owned(),
        tags: vec![tag.clone()],
        context: None,
        base_map: Vec::new(),
        ca_bundle: args.ca_bundle.clone(),
        progress: ProgressMode::Auto,
    };
    match crate::commands::image::build(repo, &build, None) {
        ExitCode::Ok => Ok(tag),
        code => Err(code),
    }
}

async fn list(host: &PreviewHost) -> Result<(), DeployError> {
    let environments = host.list().await?;
    if environments.is_empty() {
        eprintln!("gantry: no environments in {}", host.settings().namespace);
        return Ok(());
    }
    let rows: Vec<[String; 4]> = environments
        .iter()
        .map(|e| [e.name.clone(), e.url.clone(), e.image.clone(), expiry(e)])
        .collect();
    let header = ["NAME", "URL", "IMAGE", "EXPIRES"].map(String::from);
    let widths: Vec<usize> = (0..4).map(|i| rows.iter().chain([&header]).map(|r| r[i].len()).max().unwrap_or(0)).collect();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, width)| format!("{cell:width$}")).collect();
        println!("{}", cells.join("  ").trim_end());
    }
    Ok(())
}

async fn down(host: &PreviewHost, name: &EnvironmentName) -> Result<(), DeployError> {
    let removed = host.down(name).await?;
    eprintln!("gantry: removed {name} ({removed} container{})", if removed == 1 { "" } else { "s" });
    Ok(())
}

/// Connects to the engine and runs `action` on a runtime of its own.
fn with_host<F, Fut>(proxy: &ProxyArgs, action: F) -> ExitCode
where
    F: FnOnce(PreviewHost) -> Fut,
    Fut: std::future::Future<Output = Result<(), DeployError>>,
{
    let settings = match preview_settings(proxy) {
        Ok(settings) => settings,
        Err(error) => return report(&error),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("gantry: cannot start the async runtime: {e}");
            return ExitCode::Infrastructure;
        }
    };
    let outcome = runtime.block_on(async {
        let host = PreviewHost::connect(settings).await?;
        action(host).await
    });
    match outcome {
        Ok(()) => ExitCode::Ok,
        Err(error) => report(&error),
    }
}

/// The proxy settings `gantry env` would use without flags: its defaults and `GANTRY_ENV_*`
/// (for `gantry run`'s deploy steps and `gantry deploy --kind docker`).
pub(crate) fn preview_settings_from_environment() -> Result<PreviewSettings, DeployError> {
    use clap::FromArgMatches;
    let matches = ProxyArgs::augment_args(clap::Command::new("gantry-env")).get_matches_from(["gantry-env"]);
    let proxy = ProxyArgs::from_arg_matches(&matches).map_err(|error| DeployError::Invalid(error.to_string()))?;
    preview_settings(&proxy)
}

pub(crate) fn preview_settings(proxy: &ProxyArgs) -> Result<PreviewSettings, DeployError> {
    Ok(PreviewSettings {
        namespace: Namespace::new(&proxy.namespace)?,
        proxy_image: proxy.proxy_image.clone(),
        listen_address: proxy.listen.clone(),
        listen_port: proxy.proxy_port,
        public_host: proxy.host.clone(),
    })
}

fn report(error: &DeployError) -> ExitCode {
    eprintln!("gantry: {error}");
    match error {
        DeployError::Invalid(_) | DeployError::UnknownService { .. } | DeployError::NoPreviousRelease { .. } => {
            ExitCode::Invalid
        }
        _ => ExitCode::Infrastructure,
    }
}

fn expiry(environment: &Environment) -> String {
    let Some(at) = environment.expires_at else { return "never".into() };
    let minutes = (at - Timestamp::now_utc()).whole_minutes().max(0);
    let left = match minutes / 60 {
        0 => format!("{minutes}m"),
        hours => format!("{hours}h{:02}m", minutes % 60),
    };
    let date = format!("{:04}-{:02}-{:02} {:02}:{:02}", at.year(), at.month() as u8, at.day(), at.hour(), at.minute());
    format!("{date} UTC (in {left})")
}

/// The git branch and commit of the repository, when it is one.
pub(crate) struct Change {
    branch: Option<String>,
    pub(crate) commit: Option<String>,
}

impl From<&crate::git_facts::GitFacts> for Change {
    /// What a run already asked git (no `git` process of its own).
    fn from(git: &crate::git_facts::GitFacts) -> Self {
        Self { branch: (!git.branch.is_empty()).then(|| git.branch.clone()), commit: git.commit.clone() }
    }
}

impl Change {
    pub(crate) fn of(repo: &Path) -> Self {
        let git = |args: &[&str]| {
            let output = std::process::Command::new("git").arg("-C").arg(repo).args(args).output().ok()?;
            let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            (output.status.success() && !text.is_empty()).then_some(text)
        };
        Self { branch: git(&["rev-parse", "--abbrev-ref", "HEAD"]), commit: git(&["rev-parse", "HEAD"]) }
    }

    /// The branch as an environment name; `change-<commit>` on a detached HEAD.
    fn name(&self) -> Option<EnvironmentName> {
        match (&self.branch, &self.commit) {
            (Some(branch), _) if branch != "HEAD" => EnvironmentName::from_branch(branch),
            _ => EnvironmentName::new(&self.label()?).ok(),
        }
    }

    /// The branch, or `change-<short commit>` on a detached HEAD.
    pub(crate) fn label(&self) -> Option<String> {
        match (&self.branch, &self.commit) {
            (Some(branch), _) if branch != "HEAD" => Some(branch.clone()),
            (_, Some(commit)) => Some(format!("change-{}", &commit[..commit.len().min(8)])),
            _ => None,
        }
    }
}
