//! [`StageCache`]: what the scheduler asks before it runs a stage — is there an earlier
//! result to restore? — and what it hands over after a stage ran.
//!
//! The engine knows no keys and no store: the CLI implements this trait with the cache
//! crate (keys, local store, registry) and the backend (images still present). This module
//! must not decide what is cached.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::scheduler::StageOutcome;
use crate::{LogSource, StageFailure, StageOutput, StageRef};

pub type CacheFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait StageCache: Send + Sync + 'static {
    /// An earlier result of `stage` to restore instead of running it, or why it runs.
    fn lookup<'a>(&'a self, stage: &'a StageRef) -> CacheFuture<'a, CacheLookup>;

    /// A stage that ran has finished (successfully or not); the cache decides what to keep.
    fn save<'a>(&'a self, stage: &'a StageRef, result: &'a CachedResult) -> CacheFuture<'a, ()>;
}

/// The answer to [`StageCache::lookup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheLookup {
    Restore(Box<CachedResult>),
    /// Run the stage. `key` is its cache key when it has one (recorded in the run record).
    Run { reason: String, key: Option<String> },
}

/// A stage's result as it is kept: what it produced, how it ended, and its log.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CachedResult {
    pub output: StageOutput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<CachedFailure>,
    #[serde(default)]
    pub log: Vec<(LogSource, String)>,
}

/// A [`StageFailure`] in its kept form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedFailure {
    pub kind: crate::FailureKind,
    pub message: String,
}

impl CachedResult {
    pub fn from_outcome(outcome: &StageOutcome, log: Vec<(LogSource, String)>) -> Self {
        let failure = outcome.failure.as_ref().map(|f| CachedFailure { kind: f.kind, message: f.message.clone() });
        Self { output: outcome.output.clone(), failure, log }
    }

    pub fn into_outcome(self) -> StageOutcome {
        let failure = self.failure.map(|f| StageFailure::new(f.kind, f.message));
        StageOutcome { output: self.output, failure }
    }
}
