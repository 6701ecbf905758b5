//! [`GitRepo`]: the `git` CLI in one working directory, for the few commands a promotion
//! needs (clone, checkout, add, commit, push).
//!
//! Must not prompt (no terminal): credentials come from the user's git configuration, as
//! for any `git push`. Hooks of the user's configuration are not run.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::PromoteError;

/// A checkout driven through `git -C <dir>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitRepo {
    dir: PathBuf,
}

impl GitRepo {
    /// Clones `remote` (its `branch`, or its default branch) into `dir`, shallowly.
    pub(crate) fn clone_from(remote: &str, branch: Option<&str>, dir: &Path) -> Result<Self, PromoteError> {
        let target = dir.to_string_lossy();
        let mut args = vec!["clone", "--quiet", "--no-tags", "--depth", "20"];
        if let Some(branch) = branch {
            args.extend(["--branch", branch]);
        }
        args.extend(["--", remote, &target]);
        run(None, &args)?;
        Ok(Self { dir: dir.to_owned() })
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs `git <args>` in the checkout; returns its trimmed standard output.
    pub(crate) fn run(&self, args: &[&str]) -> Result<String, PromoteError> {
        run(Some(&self.dir), args)
    }
}

fn run(dir: Option<&Path>, args: &[&str]) -> Result<String, PromoteError> {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.arg("-C").arg(dir);
    }
    command.args(["-c", "core.hooksPath=/dev/null"]).args(args);
    command.env("GIT_TERMINAL_PROMPT", "0").env_remove("GIT_DIR").env_remove("GIT_WORK_TREE");
    let shown = args.iter().take(2).copied().collect::<Vec<_>>().join(" ");
    let output = command
        .output()
        .map_err(|error| PromoteError::Git { command: shown.clone(), stderr: format!("cannot run git: {error}") })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(PromoteError::Git { command: shown, stderr });
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
