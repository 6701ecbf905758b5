//! `gantry record export RUN`, `gantry record import FILE` and `gantry record inputs`: a run folder
//! (`.gantry/runs/<run-id>/`) to one JSON document on stdout, and back into a repository's
//! runs, so that a CI run can be compared (`gantry diff`) and replayed on a laptop; and the
//! inputs a run here would record.
//!
//! This module must not change what it carries: records, logs and reports travel byte for
//! byte, and an import never overwrites a different run of the same ID.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gantry_record::RunBundle;

use crate::commands::with_engine::with_engine;
use crate::exit_code::ExitCode;

/// Where a repository's runs live, relative to its root.
pub const RUNS_DIR: &str = ".gantry/runs";

#[derive(Debug, clap::Subcommand)]
pub enum RecordCommand {
    /// Print a run's folder (record, logs, JUnit report) as one JSON document.
    Export {
        /// The run's ID (see `gantry runs`).
        run: String,
    },
    /// Add an exported run to this repository's runs (`-` reads standard input).
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print, as JSON, the inputs a run here would record: commit, changed files, spec hashes,
    /// engine, gantry version, limits.
    Inputs {
        /// The parallelism a run would use.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
}

pub fn run(repo: &Path, command: &RecordCommand) -> ExitCode {
    let outcome = match command {
        RecordCommand::Export { run } => export(repo, run),
        RecordCommand::Import { file } => import(repo, file),
        RecordCommand::Inputs { jobs } => return inputs(repo, *jobs),
    };
    match outcome {
        Ok(()) => ExitCode::Ok,
        Err(message) => {
            eprintln!("gantry: {message}");
            ExitCode::Invalid
        }
    }
}

fn inputs(repo: &Path, jobs: usize) -> ExitCode {
    with_engine(|engine| async move {
        let description = match engine.describe().await {
            Ok(description) => description,
            Err(e) => {
                eprintln!("gantry: {e}");
                return ExitCode::Infrastructure;
            }
        };
        let inputs = crate::run_inputs::collect(repo, &description, jobs, BTreeMap::new());
        match serde_json::to_string_pretty(&inputs) {
            Ok(text) => {
                println!("{text}");
                ExitCode::Ok
            }
            Err(e) => {
                eprintln!("gantry: cannot write the inputs: {e}");
                ExitCode::Infrastructure
            }
        }
    })
}

fn export(repo: &Path, run_id: &str) -> Result<(), String> {
    let folder = repo.join(RUNS_DIR).join(run_id);
    if !folder.is_dir() {
        return Err(format!("no run {run_id} in {} (see `gantry runs`)", repo.join(RUNS_DIR).display()));
    }
    let mut files = BTreeMap::new();
    read_files(&folder, "", &mut files)?;
    let bundle = RunBundle::new(run_id, files);
    bundle.check()?;
    let text = serde_json::to_string_pretty(&bundle).map_err(|e| format!("cannot write the bundle: {e}"))?;
    println!("{text}");
    Ok(())
}

/// Every file below `dir`, by its `/`-separated path under `prefix`.
fn read_files(dir: &Path, prefix: &str, files: &mut BTreeMap<String, String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        if path.is_dir() {
            read_files(&path, &format!("{name}/"), files)?;
        } else {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.insert(name, text);
        }
    }
    Ok(())
}

fn import(repo: &Path, file: &Path) -> Result<(), String> {
    let text = match file == Path::new("-") {
        true => std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read standard input: {e}"))?,
        false => std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?,
    };
    let bundle: RunBundle = serde_json::from_str(&text).map_err(|e| format!("{} is not a run bundle: {e}", file.display()))?;
    bundle.check()?;
    let folder = repo.join(RUNS_DIR).join(&bundle.run_id);
    if folder.exists() {
        let mut present = BTreeMap::new();
        read_files(&folder, "", &mut present)?;
        return match present == bundle.files {
            true => {
                println!("{}", bundle.run_id);
                Ok(())
            }
            false => Err(format!("a different run {} is already in {}", bundle.run_id, folder.display())),
        };
    }
    write_files(&folder, &bundle.files)?;
    eprintln!("gantry: imported run {} into {}", bundle.run_id, folder.display());
    println!("{}", bundle.run_id);
    Ok(())
}

/// Writes the files into a temporary folder beside `folder`, then renames it into place, so
/// that a failed import leaves no half run behind.
fn write_files(folder: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    let parent = folder.parent().unwrap_or(folder);
    std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".import-")
        .tempdir_in(parent)
        .map_err(|e| format!("cannot create a folder in {}: {e}", parent.display()))?;
    for (name, text) in files {
        let path = staging.path().join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, folder).map_err(|e| format!("cannot move the run into {}: {e}", folder.display()))
}
