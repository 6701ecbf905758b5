//! A custom builder (`builder`, or a `custom` entry of `builders`): its requirement COPYs, then
//! one RUN of its command or script, with its mounts and caches (pre-install).
//!
//! - `command: [make, "a b"]` → `RUN make "a b"` (first word verbatim, the rest Go-quoted);
//!   `command: "make all"` → `RUN make all`. A `%` is kept as written (Blubber formats the
//!   command with Go's `Sprintf` and panics when it sees more `%` verbs than arguments).
//! - `mounts` → `--mount=type=bind,…,rw`; `from: local` is the build context.
//! - `caches` → `--mount=type=cache,…`, owned by the lives uid/gid when non-zero.
//!
//! Relative mount and cache destinations resolve against the working directory (`lives.in`),
//! and `$VAR`s in cache paths are expanded at compile time as Blubber v1.x does.
//! This module must not add the CA mount itself (`StageContext::run_with_mounts` does).

use std::collections::BTreeMap;

use gantry_spec::Diagnostic;
use gantry_spec::blubber::{Cache, Command, CustomBuilder, Mount};

use crate::env_expansion;
use crate::findings::Findings;
use crate::go_path;
use crate::go_quote::command_line;
use crate::instruction::{Instruction, RunMount, fits_in_mount_flag};
use crate::requirements;
use crate::script;
use crate::stage_context::StageContext;

pub(crate) fn pre_install(ctx: &StageContext, builder: &CustomBuilder, findings: &mut Findings) -> Vec<Instruction> {
    let mut instructions = match builder.requirements.as_deref() {
        Some(reqs) => requirements::copies(ctx, reqs, findings),
        None => Vec::new(),
    };
    let command = if !builder.script.is_empty() {
        Some(script::run_command(&builder.script))
    } else {
        builder.command.as_ref().and_then(command_text)
    };
    if let Some(command) = command {
        let mounts = run_mounts(ctx, builder, findings);
        instructions.push(ctx.run_with_mounts(mounts, command));
    }
    instructions
}

fn command_text(command: &Command) -> Option<String> {
    match command {
        Command::Shell(line) if !line.is_empty() => Some(line.clone()),
        Command::Exec(words) => {
            let (program, args) = words.split_first()?;
            Some(command_line(program, args))
        }
        Command::Shell(_) => None,
    }
}

fn run_mounts(ctx: &StageContext, builder: &CustomBuilder, findings: &mut Findings) -> Vec<RunMount> {
    let binds = builder.mounts.iter().flatten().map(|m| bind_mount(ctx, m));
    let variables = build_variables(ctx);
    let caches = builder.caches.iter().flatten().map(|c| cache_mount(ctx, c, &variables));
    let mounts: Vec<RunMount> = binds.chain(caches).collect();
    for value in mounts.iter().flat_map(mount_values) {
        if !fits_in_mount_flag(&value) {
            findings.error(Diagnostic::new(
                ctx.file,
                builder.command_span.or(builder.script_span).unwrap_or_default(),
                format!("mount path {value:?} cannot be written in a RUN --mount flag"),
                "use paths and ids without spaces, commas or quotes",
            ));
        }
    }
    mounts
}

fn bind_mount(ctx: &StageContext, mount: &Mount) -> RunMount {
    let from = mount.from.value.as_str();
    let destination = if mount.destination.is_empty() { "." } else { mount.destination.as_str() };
    RunMount::Bind {
        from: (from != "local").then(|| ctx.copy_source_ref(from)),
        source: (!mount.source.is_empty()).then(|| mount.source.clone()),
        target: go_path::resolve(ctx.lives_in(), destination),
        read_write: true,
    }
}

fn cache_mount(ctx: &StageContext, cache: &Cache, variables: &BTreeMap<String, String>) -> RunMount {
    let destination = env_expansion::expand(&cache.destination, variables);
    let id = if cache.id.is_empty() { destination.clone() } else { env_expansion::expand(&cache.id, variables) };
    let lives = &ctx.common().lives;
    RunMount::Cache {
        target: go_path::resolve(ctx.lives_in(), &destination),
        id,
        sharing: cache.access,
        uid: (lives.uid != 0).then_some(lives.uid),
        gid: (lives.gid != 0).then_some(lives.gid),
    }
}

/// The values a mount flag carries, for the flag-syntax check.
fn mount_values(mount: &RunMount) -> Vec<String> {
    match mount {
        RunMount::Bind { from, source, target, .. } => from.iter().chain(source).chain([target]).cloned().collect(),
        RunMount::Cache { target, id, .. } => vec![target.clone(), id.clone()],
    }
}

/// The build environment gantry knows at pre-install: argument defaults, the user ARGs,
/// `HOME` and `runs.environment`.
fn build_variables(ctx: &StageContext) -> BTreeMap<String, String> {
    let common = ctx.common();
    let mut variables = common.arguments.clone();
    let (lives, runs) = (&common.lives, &common.runs);
    variables.insert("LIVES_AS".into(), lives.as_user.clone());
    variables.insert("LIVES_UID".into(), lives.uid.to_string());
    variables.insert("LIVES_GID".into(), lives.gid.to_string());
    variables.insert("RUNS_AS".into(), runs.as_user.clone());
    variables.insert("RUNS_UID".into(), runs.uid.to_string());
    variables.insert("RUNS_GID".into(), runs.gid.to_string());
    variables.insert("HOME".into(), format!("/home/{}", lives.as_user));
    variables.extend(runs.environment.clone());
    variables
}
