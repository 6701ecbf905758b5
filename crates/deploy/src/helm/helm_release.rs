//! [`HelmRelease`]: one release of a chart: its name, where the chart comes from, the
//! namespace, the values file gantry wrote and how long Helm may wait.
//!
//! Must not run helm; [`HelmCall`](super::HelmCall) turns it into arguments.

use std::path::{Path, PathBuf};
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

/// Where a release's chart comes from: `<charts_dir>/<chart>` (or `chart` itself) when that is
/// a directory — installed, and linted, from disk without a repository — else the name
/// `chart` in `repo`. Returns the chart to pass to helm and the `--repo` to use.
pub fn chart_location(chart: &str, charts_dir: Option<&Path>, repo: Option<String>) -> (String, Option<String>) {
    let local = charts_dir.map(|dir| dir.join(chart)).filter(|dir| dir.is_dir());
    match local {
        Some(dir) => (dir.display().to_string(), None),
        None if Path::new(chart).is_dir() => (chart.to_owned(), None),
        None => (chart.to_owned(), repo),
    }
}
