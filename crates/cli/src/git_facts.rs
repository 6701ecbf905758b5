//! [`GitFacts`]: everything a run asks git about its checkout — top level, prefix, commit,
//! branch, the first remote's URL, a tag at HEAD and the working tree's status — gathered
//! once per run, in as few `git` processes as possible and the independent ones at once
//! (a cached re-run spent more time starting `git` than restoring its stages).
//!
//! This module must not interpret the answers (`setup_values` and `run_inputs` do) nor
//! change the repository.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What git said about one checkout; empty outside a git checkout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitFacts {
    /// The checkout's top-level directory.
    pub top_level: Option<PathBuf>,
    /// The repository directory relative to the top level (`examples/app/`), empty at the top.
    pub prefix: String,
    pub commit: Option<String>,
    /// The branch checked out (`HEAD` when detached); empty without commits.
    pub branch: String,
    /// The URL of the first remote, empty without one.
    pub remote: String,
    /// A tag pointing at HEAD, empty without one.
    pub tag: String,
    /// `git status --porcelain=v1 -z --untracked-files=all -- .`, `None` when git failed.
    pub status: Option<String>,
}

impl GitFacts {
    /// Asks git in `repo`: one process outside a checkout, else one then four at once.
    pub fn gather(repo: &Path) -> GitFacts {
        let Some(located) = git(repo, &["rev-parse", "--show-toplevel", "--show-prefix"]) else {
            return GitFacts::default();
        };
        let mut lines = located.split('\n');
        let top_level = lines.next().filter(|l| !l.is_empty()).map(PathBuf::from);
        let prefix = lines.next().unwrap_or_default().to_owned();
        std::thread::scope(|threads| {
            let head = threads.spawn(|| git(repo, &["rev-parse", "HEAD", "--abbrev-ref", "HEAD"]));
            let remote = threads.spawn(|| first_remote_url(repo));
            let tag = threads.spawn(|| git(repo, &["describe", "--exact-match", "--tags", "HEAD"]));
            let status = threads.spawn(|| git(repo, &["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."]));
            let head = head.join().ok().flatten().unwrap_or_default();
            let mut head = head.lines().map(str::trim);
            GitFacts {
                top_level,
                prefix,
                commit: head.next().filter(|c| !c.is_empty()).map(str::to_owned),
                branch: head.next().unwrap_or_default().to_owned(),
                remote: remote.join().ok().flatten().unwrap_or_default(),
                tag: tag.join().ok().flatten().map(|t| t.trim().to_owned()).unwrap_or_default(),
                status: status.join().ok().flatten(),
            }
        })
    }
}

fn first_remote_url(repo: &Path) -> Option<String> {
    let remotes = git(repo, &["remote"])?;
    let name = remotes.lines().next()?;
    git(repo, &["remote", "get-url", name]).map(|url| url.trim().to_owned())
}

/// `git ARGS` in `repo`, its standard output when it succeeds.
pub fn git(repo: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git").arg("-C").arg(repo).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `git ARGS` in `repo`; fails the test if git fails.
    pub(crate) fn run_git(repo: &Path, args: &[&str]) {
        let status = Command::new("git").arg("-C").arg(repo).args(args).status().unwrap();
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn outside_a_checkout_everything_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(GitFacts::gather(dir.path()), GitFacts::default());
    }

    #[test]
    fn a_checkout_with_a_commit_a_remote_and_a_tag() {
        let checkout = tempfile::tempdir().unwrap();
        let dir = checkout.path();
        std::fs::create_dir_all(dir.join("app")).unwrap();
        std::fs::write(dir.join("app/a.txt"), "a\n").unwrap();
        run_git(dir, &["init", "-q", "-b", "main"]);
        run_git(dir, &["add", "."]);
        run_git(dir, &["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"]);
        run_git(dir, &["remote", "add", "origin", "https://gerrit.example.org/r/org/app.git"]);
        run_git(dir, &["tag", "v1"]);
        std::fs::write(dir.join("app/b.txt"), "b\n").unwrap();

        let facts = GitFacts::gather(&dir.join("app"));
        assert_eq!(facts.top_level, dir.canonicalize().ok());
        assert_eq!(facts.prefix, "app/");
        assert_eq!(facts.commit.as_deref().map(str::len), Some(40));
        assert_eq!(facts.branch, "main");
        assert_eq!(facts.remote, "https://gerrit.example.org/r/org/app.git");
        assert_eq!(facts.tag, "v1");
        assert_eq!(facts.status.as_deref(), Some("?? app/b.txt\0"));
    }
}
