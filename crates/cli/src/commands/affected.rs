//! `gantry affected --base REV`: the stages whose cache keys differ between REV and the
//! working tree, each with the inputs that differ (a file, a base image, a setting, an
//! upstream stage). No path globs: the keys know what each stage reads.
//!
//! REV is unpacked with `git archive` into a temporary directory, removed when the command
//! ends. This module must not run stages or touch the cache store.

use std::path::Path;
use std::process::{Command, Stdio};

use gantry_cache::PipelineKeys;

use crate::args::{AffectedArgs, SelectionArgs};
use crate::commands::stage_keys::{CheckoutKeys, KeyContext, reasons};
use crate::exit_code::ExitCode;

pub fn run(repo: &Path, args: &AffectedArgs) -> ExitCode {
    match affected(repo, args) {
        Ok(()) => ExitCode::Ok,
        Err(code) => code,
    }
}

fn affected(repo: &Path, args: &AffectedArgs) -> Result<(), ExitCode> {
    let mut out = String::new();
    let mut unchanged = Vec::new();
    for stage in affected_stages(repo, &args.selection, &args.base)? {
        let name = format!("{}:{}", stage.pipeline, stage.stage);
        if stage.reasons.is_empty() {
            unchanged.push(name);
            continue;
        }
        out.push_str(&format!("{name}\n"));
        stage.reasons.iter().for_each(|line| out.push_str(&format!("  {line}\n")));
    }
    if !unchanged.is_empty() {
        out.push_str(&format!("unchanged: {}\n", unchanged.join(", ")));
    }
    print!("{out}");
    Ok(())
}

/// A planned stage and why its key differs from the base revision's (empty: it does not).
pub struct AffectedStage {
    pub pipeline: String,
    pub stage: String,
    pub reasons: Vec<String>,
}

/// Every planned stage of the working tree, in plan order, with the inputs whose digests
/// differ from `base`'s.
pub fn affected_stages(repo: &Path, selection: &SelectionArgs, base: &str) -> Result<Vec<AffectedStage>, ExitCode> {
    let context = KeyContext::connect()?;
    let (plan, current) = context.checkout_keys(repo, selection)?;
    let base_tree = unpack_revision(repo, base)?;
    let before = match context.checkout_keys(base_tree.path(), selection) {
        Ok((_, keys)) => keys,
        Err(_) => {
            eprintln!("gantry: note: {base} has no usable pipeline (above); every stage counts as new");
            CheckoutKeys::new()
        }
    };
    let mut stages = Vec::new();
    for pipeline in &plan.pipelines {
        for stage in &pipeline.stages {
            let reasons = stage_reasons(&current[&pipeline.name], before.get(&pipeline.name), &stage.name, base);
            stages.push(AffectedStage { pipeline: pipeline.name.clone(), stage: stage.name.clone(), reasons });
        }
    }
    Ok(stages)
}

fn stage_reasons(current: &PipelineKeys, before: Option<&PipelineKeys>, stage: &str, base: &str) -> Vec<String> {
    let earlier = before.and_then(|keys| keys.get(stage)).and_then(|key| key.as_ref().ok());
    let current = current.get(stage).cloned().unwrap_or_else(|| Err("it is not planned".into()));
    match (before.and_then(|keys| keys.get(stage)), &current) {
        (Some(Err(reason)), Ok(_)) => vec![format!("had no key in {base}: {reason}")],
        _ => reasons(&current, earlier.map(|key| &key.inputs), &format!("new stage (not in {base})")),
    }
}

/// The files of `rev` below the directory `repo` is in the repository, in a temporary
/// directory (removed when the returned value is dropped).
fn unpack_revision(repo: &Path, rev: &str) -> Result<tempfile::TempDir, ExitCode> {
    let git = |args: &[&str]| -> Result<String, ExitCode> {
        let output = Command::new("git").arg("-C").arg(repo).args(args).output().map_err(|e| {
            eprintln!("gantry: cannot run git: {e}");
            ExitCode::Infrastructure
        })?;
        if !output.status.success() {
            eprintln!("gantry: git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
            return Err(ExitCode::Invalid);
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let commit = git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
    let prefix = git(&["rev-parse", "--show-prefix"])?;
    let dir = tempfile::Builder::new().prefix("gantry-affected-").tempdir().map_err(|e| {
        eprintln!("gantry: cannot create a temporary directory: {e}");
        ExitCode::Infrastructure
    })?;
    extract(repo, &format!("{commit}:{prefix}"), dir.path())?;
    Ok(dir)
}

/// `git archive TREE | tar -x -C DIR`.
fn extract(repo: &Path, tree: &str, dir: &Path) -> Result<(), ExitCode> {
    let failed = |what: &str| {
        eprintln!("gantry: cannot unpack {tree}: {what}");
        ExitCode::Infrastructure
    };
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", tree])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| failed(&format!("git archive: {e}")))?;
    let stdout = archive.stdout.take().ok_or_else(|| failed("git archive gave no output"))?;
    let untar = Command::new("tar").arg("-x").arg("-C").arg(dir).stdin(stdout).status();
    let archived = archive.wait().map_err(|e| failed(&format!("git archive: {e}")))?;
    match untar {
        Ok(status) if status.success() && archived.success() => Ok(()),
        Ok(_) => Err(failed("git archive or tar failed (above)")),
        Err(e) => Err(failed(&format!("tar: {e}"))),
    }
}
