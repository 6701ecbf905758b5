//! [`RunOutcome`]: how a whole run ended, which decides gantry's exit code.
//!
//! This module must not know exit code numbers: the CLI maps outcomes to them.

use serde::{Deserialize, Serialize};

use crate::{FailureKind, StageReport, StageStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Succeeded,
    /// A stage failed or timed out.
    Failed,
    /// The engine, the registry or the disk failed.
    Infrastructure,
    /// Stopped by the user (Ctrl-C).
    Interrupted,
}

impl RunOutcome {
    /// The outcome of stages that ran to their end (not interrupted): an infrastructure
    /// failure outranks a stage failure, which outranks success.
    pub fn of<'a>(reports: impl IntoIterator<Item = &'a StageReport>) -> RunOutcome {
        reports
            .into_iter()
            .map(Self::of_stage)
            .fold(RunOutcome::Succeeded, RunOutcome::worst)
    }

    fn of_stage(report: &StageReport) -> RunOutcome {
        match (report.status, report.failure) {
            (StageStatus::Failed, Some(FailureKind::Infrastructure)) => RunOutcome::Infrastructure,
            (StageStatus::Failed | StageStatus::TimedOut, _) => RunOutcome::Failed,
            _ => RunOutcome::Succeeded,
        }
    }

    /// The more serious of two outcomes.
    pub fn worst(self, other: RunOutcome) -> RunOutcome {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    fn rank(self) -> u8 {
        match self {
            RunOutcome::Succeeded => 0,
            RunOutcome::Failed => 1,
            RunOutcome::Infrastructure => 2,
            RunOutcome::Interrupted => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(status: StageStatus, failure: Option<FailureKind>) -> StageReport {
        StageReport {
            status,
            failure,
            ..StageReport::default()
        }
    }

    #[test]
    fn infrastructure_outranks_failures_which_outrank_success() {
        let ok = report(StageStatus::Ok, None);
        let skipped = report(StageStatus::Skipped, None);
        let failed = report(StageStatus::Failed, Some(FailureKind::Step));
        let timed_out = report(StageStatus::TimedOut, None);
        let engine = report(StageStatus::Failed, Some(FailureKind::Infrastructure));
        assert_eq!(RunOutcome::of([&ok, &skipped]), RunOutcome::Succeeded);
        assert_eq!(RunOutcome::of([&ok, &timed_out]), RunOutcome::Failed);
        assert_eq!(
            RunOutcome::of([&failed, &engine, &ok]),
            RunOutcome::Infrastructure
        );
        assert_eq!(
            RunOutcome::Failed.worst(RunOutcome::Interrupted),
            RunOutcome::Interrupted
        );
    }
}
