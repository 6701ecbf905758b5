//! The command line as clap types: what users type, before any file is read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// gantry: build, test, publish and deploy from `.pipeline/` files, the same on a laptop and in CI.
#[derive(Debug, Parser)]
#[command(name = "gantry", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR (the repository root).
    #[arg(short = 'C', long = "directory", value_name = "DIR", global = true, default_value = ".")]
    pub directory: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Blubber image specs: print, check and build variants.
    #[command(subcommand)]
    Image(ImageCommand),
    /// Print the pipelines, their stages and what each needs.
    List(SelectionArgs),
    /// Print what would run, in order, with the variables known before running.
    Plan(SelectionArgs),
    /// Validate .pipeline/config.yaml and every Blubber file it uses (exit 2 on problems).
    Check(SelectionArgs),
    /// Draw the execution graph.
    Graph(GraphArgs),
    /// Run the pipelines on the Docker engine: stages in parallel as the graph allows, a log
    /// per stage, a JUnit report and a record in .gantry/runs/<run-id>/.
    Run(Box<crate::commands::run::RunArgs>),
    /// Gate several repositories in one process: every stage key checked at once, the
    /// repositories whose stages are all cached reported without a run, the others run
    /// (each with its own settings and record); one summary, the worst exit code.
    Gate(Box<crate::commands::gate::GateArgs>),
    /// Open an interactive shell in a stage's container (`--failed`: as the failed command left it).
    Shell(crate::commands::shell::ShellArgs),
    /// List the containers that failed runs kept (`gantry run --keep-failed`).
    Ps,
    /// Remove kept containers.
    Clean(crate::commands::kept::CleanArgs),
    /// Move runs between machines: export a run folder as one document, import it elsewhere.
    #[command(subcommand)]
    Record(crate::commands::record::RecordCommand),
    /// List past runs: ID, start, pipelines, result, duration, how their stages ended.
    Runs,
    /// Print a run's stage logs (all of them, or one stage's).
    Logs(crate::commands::history::LogsArgs),
    /// Print a run's record in words: inputs, engine, every stage's result.
    Show(crate::commands::history::ShowArgs),
    /// Compare two runs and explain what differs, most likely cause of a different result first.
    Diff(crate::commands::diff::DiffArgs),
    /// Run a recorded run again with the same inputs and say what could not be reproduced.
    Replay(crate::commands::replay::ReplayArgs),
    /// Print a JSON Schema for editors.
    Schema {
        #[arg(value_enum)]
        format: SchemaFormat,
    },
    /// List the stages whose cache keys differ between a revision and the working tree, and why.
    Affected(AffectedArgs),
    /// Say why a stage will run: which inputs differ from its last cached result.
    Why(WhyArgs),
    /// Per-change environments with a link: up, list, down.
    #[command(subcommand)]
    Env(crate::commands::env::EnvCommand),
    /// Propose a chart's new image version in a deployment-charts repository, on a branch for review.
    Promote(crate::commands::promote::PromoteArgs),
    /// Deploy a release to a target (`--kind swarm|docker|kubernetes`), with canary steps and
    /// automatic rollback on a swarm (exit 4); `status`, `rollback` and `history` of a
    /// service's releases.
    Deploy(Box<crate::commands::deploy::DeployCommand>),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaFormat {
    /// The Blubber image spec (`.pipeline/blubber.yaml`).
    Blubber,
}

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Print the Dockerfile of one variant.
    Dockerfile {
        #[command(flatten)]
        spec: SpecArgs,
        /// The variant to compile.
        variant: String,
    },
    /// Check the whole file and report every problem (exit 2 when there is one).
    Check {
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Build one variant on the Docker engine and print its image ID last.
    Build(BuildArgs),
    /// Build one variant, then run its entrypoint in a container (e.g. a test variant); the
    /// container is removed afterwards and its exit status decides gantry's.
    Run {
        #[command(flatten)]
        build: BuildArgs,
        /// Arguments for the entrypoint.
        #[arg(last = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// The Blubber file.
    #[arg(short = 'f', long = "file", value_name = "FILE", default_value = ".pipeline/blubber.yaml")]
    pub file: PathBuf,
    /// A policy file: allowed base images, forbidden users (Blubber's `--policy` format).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// The variant to build.
    pub variant: String,
    /// Tag the image (repeatable).
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// The build context (default: the repository root).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
    /// Build FROM a different image: `FROM=TO`, exact reference or a prefix ending in `/`
    /// (repeatable; adds to `[images.base-map]` in gantry.toml).
    #[arg(long = "base-map", value_name = "FROM=TO", value_parser = parse_mapping)]
    pub base_map: Vec<(String, String)>,
    /// A CA bundle (PEM) for package installs behind a TLS-intercepting proxy; it is mounted
    /// during RUN steps only and never lands in the image.
    #[arg(long = "ca-bundle", value_name = "PATH")]
    pub ca_bundle: Option<PathBuf>,
    /// Progress display: live on a terminal, plain lines otherwise.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    Auto,
    Plain,
    Tty,
}

pub(crate) fn parse_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((from, to)) if !from.is_empty() && !to.is_empty() => Ok((from.to_string(), to.to_string())),
        _ => Err(format!("expected FROM=TO, got {text:?}")),
    }
}

/// Which pipelines and stages a command looks at.
#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Pipelines to use (default: all, in file order).
    #[arg(value_name = "PIPELINE")]
    pub pipelines: Vec<String>,
    /// Only these stages and what they need (repeatable).
    #[arg(long = "stage", value_name = "NAME")]
    pub stages: Vec<String>,
    /// Leave these stages out (repeatable).
    #[arg(long = "skip", value_name = "NAME")]
    pub skip: Vec<String>,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// The drawing language.
    #[arg(long, value_enum, default_value_t = GraphFormatArg::Dot)]
    pub format: GraphFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormatArg {
    Dot,
    Mermaid,
}

/// `gantry affected --base REV`.
#[derive(Debug, Args)]
pub struct AffectedArgs {
    /// The revision to compare with (anything `git rev-parse` takes: a branch, a tag, HEAD~1).
    #[arg(long, value_name = "REV")]
    pub base: String,
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// `gantry why [PIPELINE:]STAGE`.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The stage, as `STAGE` or `PIPELINE:STAGE`.
    #[arg(value_name = "[PIPELINE:]STAGE")]
    pub stage: String,
}
