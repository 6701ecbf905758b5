//! [`ReleaseSteps`]: what PipelineLib's `deploy` and `promote` steps ask of the world outside
//! the engine — put a chart's release somewhere (a preview environment, a Kubernetes
//! namespace), propose a new image version to a deployment-charts repository, and take the
//! run's temporary releases down when the run ends.
//!
//! The executor renders the steps' values and hands over plain requests; the CLI implements
//! the trait with the deploy crate's targets. This module must not know a target, a cluster
//! or git: it only says what was asked and what came back.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::{FailureKind, StageFailure};

pub type ReleaseFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ReleaseStepError>> + Send + 'a>>;

pub trait ReleaseSteps: Send + Sync + 'static {
    /// Installs `request` and returns the release; a release the target tears down when the
    /// run ends is remembered by the implementation until [`ReleaseSteps::teardown`].
    fn deploy<'a>(&'a self, request: &'a ChartDeploy) -> ReleaseFuture<'a, ChartRelease>;

    /// Proposes `request`'s version for its chart (a review branch or change).
    fn promote<'a>(&'a self, request: &'a ChartPromotion) -> ReleaseFuture<'a, PromotedChart>;

    /// Removes the releases of this run that do not outlive it (PipelineLib's teardown of CI
    /// releases); called once when the run ends, however it ends.
    fn teardown(&self) -> ReleaseFuture<'_, ()>;
}

/// A rendered `deploy` step.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartDeploy {
    pub pipeline: String,
    pub stage: String,
    /// `chart.name`.
    pub chart: String,
    /// `chart.version`; `None`: the newest.
    pub chart_version: Option<String>,
    /// Where the image was pushed: `<registry>/<namespace>/<image>`.
    pub repository: String,
    /// `image`: the short name PipelineLib writes as `main_app.image`.
    pub image: String,
    /// `tag`, written as `main_app.version`.
    pub tag: String,
    /// Run the release's tests after installing (`helm test`, or an HTTP answer).
    pub test: bool,
    pub timeout: Duration,
    /// `overrides`, deep-merged into the values (maps merge, anything else replaces).
    pub overrides: serde_json::Value,
}

impl ChartDeploy {
    /// `<repository>:<tag>`: the image the release runs.
    pub fn image_reference(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }
}

/// What a deploy left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRelease {
    /// Bound as `${<stage>.releaseName}`.
    pub name: String,
    /// Where the release answers, when the target gives it an address (`${<stage>.url}`).
    pub url: Option<String>,
    /// Lines for the stage's log.
    pub notes: Vec<String>,
}

/// A rendered `promote` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPromotion {
    pub chart: String,
    /// Empty: every environment.
    pub environments: Vec<String>,
    pub version: String,
    /// The image the version names, as pushed (`<repository>:<tag>`), with its digest when
    /// the stage published it.
    pub image: String,
    pub digest: Option<String>,
}

/// Where a promotion went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotedChart {
    pub chart: String,
    /// The branch or review ref pushed; `None` when the repository already had the version.
    pub pushed_ref: Option<String>,
    pub notes: Vec<String>,
}

/// Why a deploy or promote step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ReleaseStepError {
    pub kind: FailureKind,
    pub message: String,
}

impl ReleaseStepError {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    pub(crate) fn into_failure(self, step: &str) -> StageFailure {
        StageFailure::new(self.kind, format!("{step}: {}", self.message))
    }
}
