//! [`HelmRelease`]: one release of a chart: its name, where the chart comes from, the
//! namespace, the values file gantry wrote and how long Helm may wait.
//!
//! Must not run helm; [`HelmCall`](super::HelmCall) turns it into arguments.

use std::path::PathBuf;
use std::time::Duration;

/// PipelineLib's namespace for CI releases.
pub const CI_NAMESPACE: &str = "ci";
/// PipelineLib's default deploy timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// What `helm template|upgrade --install` is asked to render or install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmRelease {
    pub name: String,
    /// A chart directory or archive, or a chart name in `repo`.
    pub chart: String,
    /// The chart version (`--version`); `None`: the newest.
    pub chart_version: Option<String>,
    /// A chart repository URL (`--repo`), e.g. `https://helm-charts.wikimedia.org/stable/`.
    pub repo: Option<String>,
    pub namespace: String,
    pub values_file: PathBuf,
    pub timeout: Duration,
    /// Recorded as the Helm revision's description (gantry writes `gantry release N`).
    pub description: Option<String>,
}

impl HelmRelease {
    /// A release of `chart` named `name` in the `ci` namespace with a 120 s timeout.
    pub fn new(name: impl Into<String>, chart: impl Into<String>, values_file: impl Into<PathBuf>) -> Self {
        Self {
            name: name.into(),
            chart: chart.into(),
            chart_version: None,
            repo: None,
            namespace: CI_NAMESPACE.to_owned(),
            values_file: values_file.into(),
            timeout: DEFAULT_TIMEOUT,
            description: None,
        }
    }
}
