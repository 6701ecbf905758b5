//! [`DeployOutcome`]: how a deploy or rollback ended.
//!
//! Must not pick exit codes; the CLI maps outcomes to them.

use crate::{Release, ReleaseState};

/// The release a deploy or rollback made, and its final state.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployOutcome {
    pub release: Release,
    /// `Live` when the release went out; `RolledBack` when analysis failed and the previous
    /// release serves again.
    pub state: ReleaseState,
    /// Why the release was rolled back, if it was.
    pub reason: Option<String>,
}

impl DeployOutcome {
    /// Whether the deploy ended with an automatic rollback (the CLI's exit code 4).
    pub fn rolled_back(&self) -> bool {
        self.state == ReleaseState::RolledBack
    }
}
