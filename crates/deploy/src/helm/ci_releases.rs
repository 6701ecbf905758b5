//! [`CiReleases`]: PipelineLib's `deploy` step on a Kubernetes cluster — each deploy is a new
//! release with a random 8-character name in the CI namespace, installed with gantry's values
//! (PipelineLib's keys, the image as the run pushed it, the stage's overrides), waited for,
//! tested with `helm test`, and uninstalled when the run ends (PipelineLib's teardown).
//!
//! A chart found as a directory under `charts_dir` is linted with the real helm first (no
//! cluster needed), so a chart that cannot take the values fails before the cluster is asked.
//! Must not keep releases past [`CiReleases::teardown`], and must not talk to the cluster
//! except through helm.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{ChartValues, Helm, HelmCall, HelmRelease, chart_location};
use crate::DeployError;

/// Where CI releases go and where their charts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiClusterSettings {
    pub namespace: String,
    /// `--repo` for charts not found under `charts_dir`
    /// (PipelineLib: `https://helm-charts.wikimedia.org/stable/`).
    pub repo: Option<String>,
    /// A directory of chart directories (deployment-charts' `charts/`), searched first.
    pub charts_dir: Option<PathBuf>,
    /// Where the values files are written, one directory per release.
    pub values_dir: PathBuf,
}

/// One deploy step's request, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct CiDeploy {
    pub chart: String,
    pub chart_version: Option<String>,
    /// The image as pushed: `registry/name:tag`.
    pub image: String,
    pub test: bool,
    pub timeout: Duration,
    pub overrides: Value,
}

/// The releases a run installed on the CI cluster.
pub struct CiReleases {
    helm: Arc<dyn Helm>,
    settings: CiClusterSettings,
    installed: Mutex<Vec<String>>,
}

impl std::fmt::Debug for CiReleases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CiReleases").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl CiReleases {
    pub fn new(helm: Arc<dyn Helm>, settings: CiClusterSettings) -> Self {
        Self { helm, settings, installed: Mutex::new(Vec::new()) }
    }

    /// Installs `request` as a new release and returns its name. Blocking (helm runs as a
    /// child process). A failed install leaves nothing (`--atomic`); a failed test leaves
    /// the release for [`CiReleases::teardown`].
    pub fn install(&self, request: &CiDeploy) -> Result<String, DeployError> {
        let name = release_name(&request.chart);
        let mut values = ChartValues::for_reference(&request.image);
        values.overrides = request.overrides.clone();
        let values_file = values.write(&self.settings.values_dir.join(&name))?;
        let (chart, repo) = chart_location(&request.chart, self.settings.charts_dir.as_deref(), self.settings.repo.clone());
        if Path::new(&chart).is_dir() {
            let lint = HelmCall::Lint { chart: PathBuf::from(&chart), values_file: values_file.clone() };
            self.helm.run(&lint).map_err(|error| {
                DeployError::Invalid(format!("chart {} does not lint with these values: {error}", request.chart))
            })?;
        }
        let release = HelmRelease {
            name: name.clone(),
            chart,
            chart_version: request.chart_version.clone(),
            repo,
            namespace: self.settings.namespace.clone(),
            values_file,
            timeout: request.timeout,
            description: Some("gantry pipeline deploy".into()),
        };
        self.helm.run(&HelmCall::UpgradeInstall(release))?;
        self.installed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(name.clone());
        if request.test {
            let test = HelmCall::Test { name: name.clone(), namespace: self.settings.namespace.clone(), timeout: request.timeout };
            self.helm.run(&test).map_err(|error| DeployError::Engine {
                target: "kubernetes".into(),
                operation: format!("helm test {name}"),
                reason: error.to_string(),
            })?;
        }
        Ok(name)
    }

    /// Uninstalls every release this run installed; every one is tried, the errors joined.
    pub fn teardown(&self) -> Result<(), DeployError> {
        let names = std::mem::take(&mut *self.installed.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let errors: Vec<String> = names
            .iter()
            .filter_map(|name| {
                let uninstall = HelmCall::Uninstall { name: name.clone(), namespace: self.settings.namespace.clone() };
                self.helm.run(&uninstall).err().map(|error| format!("{name}: {error}"))
            })
            .collect();
        let _ = std::fs::remove_dir_all(&self.settings.values_dir);
        match errors.is_empty() {
            true => Ok(()),
            false => Err(DeployError::Engine { target: "kubernetes".into(), operation: "helm uninstall".into(), reason: errors.join("; ") }),
        }
    }
}


/// PipelineLib's release names: 8 random characters of `[a-z0-9]`.
fn release_name(chart: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let digest = Sha256::digest(format!("{chart} {nanos} {}", std::process::id()).as_bytes());
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    digest.iter().take(8).map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names_look_like_pipelinelibs() {
        let name = release_name("mathoid");
        assert_eq!(name.len(), 8);
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{name}");
        assert_ne!(name, release_name("mathoid"));
    }
}
