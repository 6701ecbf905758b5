//! The `kubernetes` target's Helm side: deployment-charts-style charts with values gantry
//! writes ([`ChartValues`]), rendered and linted by the real helm 3, and installed, tested
//! and rolled back with `helm upgrade --install`, `helm test` and `helm rollback` when a
//! cluster is configured.
//!
//! Every helm invocation is a [`HelmCall`] run through the [`Helm`] trait; [`HelmCli`] is
//! the real binary. [`HelmTarget`] is the `kubernetes` target behind
//! [`DeployTarget`](crate::DeployTarget). Must not render Go templates itself, and must not call the cluster
//! from the render and lint path.

mod chart_values;
mod ci_releases;
mod helm_call;
mod helm_cli;
mod helm_release;
mod helm_target;

pub use chart_values::{ChartValues, PIPELINELIB_REGISTRY};
pub use ci_releases::{CiClusterSettings, CiDeploy, CiReleases};
pub use helm_call::HelmCall;
pub use helm_cli::{HelmCli, INSTALLED_HELM};
pub use helm_release::{CI_NAMESPACE, DEFAULT_TIMEOUT, HelmRelease, chart_location};
pub use helm_target::{HelmTarget, HelmTargetSettings};

/// What gantry asks of Helm 3: run one [`HelmCall`] and return its standard output, or an
/// error carrying helm's own message. [`HelmCli`] runs the real binary; tests of the
/// cluster calls put a fake `helm` in its place. Blocking: callers in async code use
/// `spawn_blocking`.
pub trait Helm: Send + Sync {
    fn run(&self, call: &HelmCall) -> Result<String, crate::DeployError>;
}
