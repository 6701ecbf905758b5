//! The values PipelineLib's `setup` stage binds, as far as a local checkout can tell them:
//! the project (from the git remote when the directory is the checkout's top level, else the
//! directory's name), commit, branch, remote, tag,
//! the checkout variables, and `logURL` (the run's folder).
//!
//! It must not run stages nor change the repository; it asks git. `pipeline` and `timestamp`
//! are the executor's (per pipeline).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::git_facts::GitFacts;

pub fn setup_values(repo: &Path, run_dir: &Path, git: &GitFacts) -> BTreeMap<String, String> {
    let remote = git.remote.clone();
    // A directory inside a bigger checkout (an example in a monorepo) is its own project.
    let top_level: Option<PathBuf> = git.top_level.clone();
    let project = match top_level.is_some() && top_level == std::fs::canonicalize(repo).ok() {
        true => project_of(&remote).unwrap_or_else(|| directory_name(repo)),
        false => directory_name(repo),
    };
    let commit = git.commit.clone().unwrap_or_default();
    let branch = git.branch.clone();
    let tag = git.tag.clone();
    let log_url = format!("file://{}/", std::path::absolute(run_dir).unwrap_or_else(|_| run_dir.to_path_buf()).display());
    let short_name = project.rsplit('/').next().unwrap_or_default().to_owned();
    BTreeMap::from([
        ("project".to_owned(), project),
        ("projectShortName".to_owned(), short_name),
        ("GIT_COMMIT".to_owned(), commit.clone()),
        ("GIT_URL".to_owned(), remote.clone()),
        ("GIT_LOCAL_BRANCH".to_owned(), branch.clone()),
        ("commit".to_owned(), commit),
        ("branch".to_owned(), branch),
        ("remote".to_owned(), remote),
        ("tag".to_owned(), tag),
        ("logURL".to_owned(), log_url),
    ])
}

/// PipelineLib's `project`: the remote URL's path without the leading `/`, an `r/` (Gerrit)
/// and a `.git` suffix. `https://gerrit.wikimedia.org/r/mediawiki/services/mathoid` →
/// `mediawiki/services/mathoid`; `git@github.com:org/repo.git` → `org/repo`.
fn project_of(remote: &str) -> Option<String> {
    let path = match remote.split_once("://") {
        Some((_, rest)) => rest.split_once('/')?.1,
        None => remote.split_once(':')?.1,
    };
    let path = path.trim_matches('/');
    let path = path.strip_prefix("r/").unwrap_or(path);
    let path = path.strip_suffix(".git").unwrap_or(path);
    (!path.is_empty()).then(|| path.to_owned())
}

fn directory_name(repo: &Path) -> String {
    let absolute = std::fs::canonicalize(repo).unwrap_or_else(|_| repo.to_path_buf());
    absolute.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_come_from_remote_paths_as_pipelinelib_reads_them() {
        assert_eq!(project_of("https://gerrit.wikimedia.org/r/mediawiki/services/mathoid").as_deref(), Some("mediawiki/services/mathoid"));
        assert_eq!(project_of("ssh://user@gerrit.wikimedia.org:29418/operations/alerts.git").as_deref(), Some("operations/alerts"));
        assert_eq!(project_of("git@github.com:org/repo.git").as_deref(), Some("org/repo"));
        assert_eq!(project_of("/srv/checkout"), None);
    }
}
