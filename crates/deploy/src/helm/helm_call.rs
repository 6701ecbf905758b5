//! [`HelmCall`]: every helm command gantry runs, as arguments — the one place that knows
//! helm's flags, so tests can check them without a cluster.
//!
//! Must not run anything.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use super::HelmRelease;

/// One helm invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmCall {
    /// Render the manifests locally (no cluster).
    Template(HelmRelease),
    /// Check a chart directory with the values (no cluster).
    Lint { chart: PathBuf, values_file: PathBuf },
    /// Pack a chart directory into `destination` (no cluster).
    Package { chart: PathBuf, destination: PathBuf },
    /// Install or upgrade, waiting for readiness; `--atomic` undoes a failed attempt.
    UpgradeInstall(HelmRelease),
    /// Run the chart's test hooks.
    Test { name: String, namespace: String, timeout: Duration },
    /// Go back to `revision` (`None`: the previous one).
    Rollback { name: String, namespace: String, revision: Option<u32>, timeout: Duration },
    Uninstall { name: String, namespace: String },
    /// `helm history -o json`: every revision with its status and description.
    History { name: String, namespace: String },
}

impl HelmCall {
    /// Whether the call needs a Kubernetes cluster.
    pub fn needs_cluster(&self) -> bool {
        !matches!(self, HelmCall::Template(_) | HelmCall::Lint { .. } | HelmCall::Package { .. })
    }

    /// The arguments after `helm`.
    pub fn args(&self) -> Vec<OsString> {
        let mut args = Args::default();
        match self {
            HelmCall::Template(release) => {
                args.words(["template", release.name.as_str(), release.chart.as_str()]);
                args.release(release);
            }
            HelmCall::Lint { chart, values_file } => {
                args.words(["lint"]).path(chart).words(["--strict", "--values"]).path(values_file);
            }
            HelmCall::Package { chart, destination } => {
                args.words(["package"]).path(chart).words(["--destination"]).path(destination);
            }
            HelmCall::UpgradeInstall(release) => {
                args.words(["upgrade", release.name.as_str(), release.chart.as_str(), "--install", "--atomic", "--wait"]);
                args.release(release).timeout(release.timeout);
                if let Some(description) = &release.description {
                    args.words(["--description", description.as_str()]);
                }
            }
            HelmCall::Test { name, namespace, timeout } => {
                args.words(["test", name.as_str()]).namespace(namespace).timeout(*timeout);
            }
            HelmCall::Rollback { name, namespace, revision, timeout } => {
                args.words(["rollback", name.as_str()]);
                if let Some(revision) = revision {
                    args.words([revision.to_string().as_str()]);
                }
                args.namespace(namespace).words(["--wait"]).timeout(*timeout);
            }
            HelmCall::Uninstall { name, namespace } => {
                args.words(["uninstall", name.as_str()]).namespace(namespace);
            }
            HelmCall::History { name, namespace } => {
                args.words(["history", name.as_str()]).namespace(namespace).words(["--output", "json"]);
            }
        }
        args.0
    }

    /// `helm <first words>` for messages.
    pub fn describe(&self) -> String {
        let words: Vec<String> = self.args().iter().take(2).map(|a| a.to_string_lossy().into_owned()).collect();
        format!("helm {}", words.join(" "))
    }
}

#[derive(Default)]
struct Args(Vec<OsString>);

impl Args {
    fn words<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) -> &mut Self {
        self.0.extend(words.into_iter().map(OsString::from));
        self
    }

    fn path(&mut self, path: &std::path::Path) -> &mut Self {
        self.0.push(path.as_os_str().to_owned());
        self
    }

    fn namespace(&mut self, namespace: &str) -> &mut Self {
        self.words(["--namespace", namespace])
    }

    fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.words(["--timeout", &format!("{}s", timeout.as_secs())])
    }

    /// The flags `template` and `upgrade` share.
    fn release(&mut self, release: &HelmRelease) -> &mut Self {
        self.namespace(&release.namespace).words(["--values"]).path(&release.values_file);
        if let Some(version) = &release.chart_version {
            self.words(["--version", version.as_str()]);
        }
        if let Some(repo) = &release.repo {
            self.words(["--repo", repo.as_str()]);
        }
        self
    }
}
