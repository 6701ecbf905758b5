//! [`HelmCli`]: the `helm` binary, with the cluster it talks to (`--kubeconfig`,
//! `--kube-context`) when one is configured.
//!
//! Must not prompt or read the user's terminal; helm's output is captured and returned.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::DeployError;

use super::{Helm, HelmCall};

/// Where scripts/setup-helm.sh installs helm 3.
pub const INSTALLED_HELM: &str = "/usr/local/lib/gantry/bin/helm";

/// A helm binary and the cluster settings passed to the calls that need one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmCli {
    pub program: PathBuf,
    pub kubeconfig: Option<PathBuf>,
    pub kube_context: Option<String>,
}

impl HelmCli {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self { program: program.into(), kubeconfig: None, kube_context: None }
    }

    /// `helm` on `path` (a `PATH`-style list), else [`INSTALLED_HELM`] if it exists.
    pub fn locate(path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
        let on_path = path.into_iter().flat_map(std::env::split_paths).map(|dir| dir.join("helm"));
        on_path.chain(std::iter::once(PathBuf::from(INSTALLED_HELM))).find(|candidate| is_executable(candidate))
    }

    fn command(&self, call: &HelmCall) -> Command {
        let mut command = Command::new(&self.program);
        command.args(call.args());
        if call.needs_cluster() {
            if let Some(kubeconfig) = &self.kubeconfig {
                command.arg("--kubeconfig").arg(kubeconfig);
            }
            if let Some(context) = &self.kube_context {
                command.args(["--kube-context", context]);
            }
        }
        command
    }
}

impl Helm for HelmCli {
    fn run(&self, call: &HelmCall) -> Result<String, DeployError> {
        let failed = |reason: String| DeployError::Engine { target: "helm".into(), operation: call.describe(), reason };
        let output = self
            .command(call)
            .output()
            .map_err(|error| failed(format!("cannot run {}: {error} (scripts/setup-helm.sh installs helm)", self.program.display())))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if output.status.success() {
            return Ok(stdout);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        // helm lint reports the chart's problems on stdout.
        let message = [stderr.trim(), stdout.trim()].into_iter().filter(|text| !text.is_empty()).collect::<Vec<_>>();
        Err(failed(message.join("\n")))
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}
