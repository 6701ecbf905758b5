//! [`StageExecutor`]: what the scheduler asks of whoever runs a stage's steps.
//!
//! The scheduler decides when a stage runs, how long it may take and what happens to the
//! others when it fails; an executor only runs the one stage it is given. Executors must not
//! look at other stages except through the ancestor values in their [`StageContext`].

use std::future::Future;

use crate::{StageFailure, StageOutput};

use super::StageContext;

/// Runs one stage's steps.
pub trait StageExecutor: Send + Sync + 'static {
    /// The description of a stage this executor runs.
    type Stage: Send + Sync + 'static;

    /// Runs `stage` to its end. Dropping the future stops it: whatever it started on the
    /// engine is then removed by the run's cleanup.
    fn execute(
        &self,
        stage: &Self::Stage,
        context: StageContext,
    ) -> impl Future<Output = StageOutcome> + Send;
}

/// How a stage's own work ended: what it produced, and the failure that stopped it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageOutcome {
    pub output: StageOutput,
    pub failure: Option<StageFailure>,
}

impl StageOutcome {
    pub fn succeeded(output: StageOutput) -> Self {
        Self {
            output,
            failure: None,
        }
    }

    pub fn failed(output: StageOutput, failure: StageFailure) -> Self {
        Self {
            output,
            failure: Some(failure),
        }
    }
}
