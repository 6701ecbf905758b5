//! [`collect`]: the inputs of a run that a record keeps so that two runs can be compared
//! (`gantry diff`) and replayed — the commit and the files changed on top of it, the spec
//! files' hashes, the engine, gantry's version and the limits the run had.
//!
//! This module must not run stages nor change the repository; it reads files and asks git.

use std::collections::BTreeMap;
use std::path::Path;

use gantry_engine::EngineDescription;
use gantry_record::RunInputs;
use sha2::{Digest, Sha256};

use crate::git_facts::GitFacts;

/// What stands for a file that git knows but that no longer exists.
const DELETED: &str = "deleted";

/// The inputs of a run of the repository at `repo` on `engine` with `jobs` stages at a time;
/// `environment` is what the run's `${NAME}`s expanded to, secrets already redacted.
pub fn collect(repo: &Path, engine: &EngineDescription, jobs: usize, environment: BTreeMap<String, String>) -> RunInputs {
    collect_with(repo, &GitFacts::gather(repo), engine, jobs, environment)
}

/// [`collect`] with what git already said about the checkout.
pub fn collect_with(repo: &Path, git: &GitFacts, engine: &EngineDescription, jobs: usize, environment: BTreeMap<String, String>) -> RunInputs {
    let engine_facts = [("version", &engine.version), ("api", &engine.api_version), ("os", &engine.os), ("arch", &engine.arch)];
    RunInputs {
        commit: git.commit.clone(),
        changed_files: changed_files(repo, git),
        specs: spec_hashes(repo),
        engine: engine_facts.into_iter().map(|(k, v)| (k.to_owned(), v.clone())).collect(),
        gantry_version: env!("CARGO_PKG_VERSION").to_owned(),
        limits: BTreeMap::from([
            ("jobs".to_owned(), jobs.to_string()),
            ("cpus".to_owned(), engine.cpus.to_string()),
            ("memory".to_owned(), format!("{} MiB", engine.memory_bytes / (1024 * 1024))),
        ]),
        environment,
    }
}

/// Files under `repo` that differ from the commit (untracked ones included, ignored ones
/// not), by path relative to `repo`, with the hash of their content. `repo` may be a
/// directory inside the checkout (`-C examples/app`): git names paths from the checkout's top.
fn changed_files(repo: &Path, git: &GitFacts) -> BTreeMap<String, String> {
    let prefix = git.prefix.trim();
    let Some(status) = &git.status else {
        return BTreeMap::new();
    };
    let relative = |path: &str| path.strip_prefix(prefix).unwrap_or(path).to_owned();
    let mut entries = status.split('\0').filter(|e| e.len() > 3);
    let mut changed = BTreeMap::new();
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(3);
        // A rename names its source in the next entry; the source counts as deleted.
        if code.starts_with('R') && let Some(source) = entries.next() {
            changed.insert(relative(source), DELETED.to_owned());
        }
        let path = relative(path);
        let hash = file_hash(&repo.join(&path));
        changed.insert(path, hash);
    }
    changed
}

/// Every file in `.pipeline/` by path, with the hash of its content.
fn spec_hashes(repo: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(repo.join(".pipeline")) else { return BTreeMap::new() };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_file())
        .map(|entry| (format!(".pipeline/{}", entry.file_name().to_string_lossy()), file_hash(&entry.path())))
        .collect()
}

fn file_hash(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(bytes) => format!("sha256:{}", hex::encode(Sha256::digest(&bytes))),
        Err(_) => DELETED.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git_facts::tests::run_git;

    #[test]
    fn commit_changed_files_and_specs_are_recorded() {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        std::fs::create_dir_all(dir.join(".pipeline")).unwrap();
        std::fs::write(dir.join(".pipeline/config.yaml"), "pipelines: {}\n").unwrap();
        std::fs::write(dir.join("app.py"), "print(1)\n").unwrap();
        run_git(dir, &["init", "-q"]);
        run_git(dir, &["add", "."]);
        run_git(dir, &["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"]);
        std::fs::write(dir.join("app.py"), "print(2)\n").unwrap();
        std::fs::write(dir.join("new.txt"), "new\n").unwrap();

        let inputs = collect(dir, &EngineDescription::default(), 2, BTreeMap::new());
        assert_eq!(inputs.commit.as_deref().map(str::len), Some(40));
        assert_eq!(inputs.changed_files.keys().collect::<Vec<_>>(), ["app.py", "new.txt"]);
        assert!(inputs.changed_files["app.py"].starts_with("sha256:"));
        assert_eq!(inputs.specs.keys().collect::<Vec<_>>(), [".pipeline/config.yaml"]);
        assert_eq!(inputs.limits["jobs"], "2");
    }

    #[test]
    fn a_repository_inside_the_checkout_names_its_own_files() {
        let checkout = tempfile::tempdir().unwrap();
        let app = checkout.path().join("examples/app");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("app.py"), "print(1)\n").unwrap();
        std::fs::write(checkout.path().join("other.txt"), "x\n").unwrap();
        run_git(checkout.path(), &["init", "-q"]);
        run_git(checkout.path(), &["add", "."]);
        run_git(checkout.path(), &["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"]);
        std::fs::write(app.join("app.py"), "print(2)\n").unwrap();
        std::fs::write(checkout.path().join("other.txt"), "y\n").unwrap();

        let changed = changed_files(&app, &GitFacts::gather(&app));
        assert_eq!(changed.keys().collect::<Vec<_>>(), ["app.py"]);
        assert!(changed["app.py"].starts_with("sha256:"), "{changed:?}");
    }
}
