//! The `gantry` binary: parses the command line, dispatches, and turns outcomes into exit codes.

mod args;
mod build_options;
mod build_progress;
mod commands;
mod diagnostic_report;
mod exit_code;
mod git_facts;
mod run_display;
mod run_inputs;
mod settings;
mod terminal;

use clap::Parser;

// Spec decoding and Dockerfile rendering allocate many small strings; mimalloc makes
// `gantry image dockerfile` about a quarter faster than the system allocator
// (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use args::{Cli, Command, ImageCommand};
use exit_code::ExitCode;

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::Invalid } else { ExitCode::Ok }.into();
        }
    };
    let repo = cli.directory.as_path();
    let code = match &cli.command {
        Command::Image(ImageCommand::Dockerfile { spec, variant }) => commands::image::dockerfile(repo, spec, variant),
        Command::Image(ImageCommand::Check { spec }) => commands::image::check(repo, spec),
        Command::Image(ImageCommand::Build(build)) => commands::image::build(repo, build, None),
        Command::Image(ImageCommand::Run { build, args }) => commands::image::build(repo, build, Some(args)),
        Command::List(selection) => commands::pipeline::list(repo, selection),
        Command::Plan(selection) => commands::pipeline::plan(repo, selection),
        Command::Check(selection) => commands::pipeline::check(repo, selection),
        Command::Graph(graph) => commands::pipeline::graph(repo, graph),
        Command::Run(run) => commands::run::run(repo, run),
        Command::Gate(gate) => commands::gate::run(gate),
        Command::Shell(shell) => commands::shell::run(repo, shell),
        Command::Ps => commands::kept::ps(),
        Command::Clean(clean) => commands::kept::clean(clean),
        Command::Record(record) => commands::record::run(repo, record),
        Command::Runs => commands::history::runs(repo),
        Command::Logs(logs) => commands::history::logs(repo, logs),
        Command::Show(show) => commands::history::show(repo, show),
        Command::Diff(diff) => commands::diff::run(repo, diff),
        Command::Replay(replay) => commands::replay::run(repo, replay),
        Command::Schema { format } => commands::schema::print(*format),
        Command::Affected(affected) => commands::affected::run(repo, affected),
        Command::Why(why) => commands::why::run(repo, why),
        Command::Env(env) => commands::env::run(repo, env),
        Command::Deploy(deploy) => commands::deploy::run(repo, deploy),
        Command::Promote(promote) => commands::promote::run(repo, promote),
    };
    code.into()
}
