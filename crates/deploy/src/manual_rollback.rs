//! [`ManualRollback`]: a rollback asked for by hand, as every target does it around its own
//! engine work — which release goes back (the asked-for one, or the newest good one before
//! the live release), the events before and after, and the history once it serves.
//!
//! Must not touch an engine: the target puts the release back between
//! [`ManualRollback::plan`] and [`ManualRollback::finish`].

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::{DeployError, DeployEvent, DeployOutcome, Release, ReleaseHistory, ReleaseNumber, ReleaseState};

/// From the live release to `release`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ManualRollback {
    pub(crate) from: ReleaseNumber,
    pub(crate) release: Release,
    reason: String,
    started: Instant,
}

impl ManualRollback {
    /// Picks the release and reports `RollbackStarted`. `unknown` is the error when
    /// `service` has no live release on the target.
    pub(crate) async fn plan(
        history: &ReleaseHistory,
        service: &str,
        to: Option<ReleaseNumber>,
        unknown: DeployError,
        events: &mpsc::Sender<DeployEvent>,
    ) -> Result<Self, DeployError> {
        let from = history.live(service).map(|record| record.release.number).ok_or(unknown)?;
        let target = match to {
            Some(number) => history.find(service, number),
            None => history.previous_good(service, from),
        };
        let no_previous = || DeployError::NoPreviousRelease { service: service.to_owned(), to };
        let release = target.map(|record| record.release.clone()).ok_or_else(no_previous)?;
        let reason = format!("rolled back by hand from release {from} to release {}", release.number);
        let _ = events.send(DeployEvent::RollbackStarted { from, to: release.number, reason: reason.clone() }).await;
        Ok(Self { from, release, reason, started: Instant::now() })
    }

    /// Reports `RollbackFinished` and records the release as live again, the one it
    /// replaced as rolled back.
    pub(crate) async fn finish(
        self,
        history: &mut ReleaseHistory,
        events: &mpsc::Sender<DeployEvent>,
    ) -> Result<DeployOutcome, DeployError> {
        let millis = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let _ = events.send(DeployEvent::RollbackFinished { to: self.release.number, millis }).await;
        let service = &self.release.service;
        history.finish(service, self.release.number, ReleaseState::Live, None);
        history.finish(service, self.from, ReleaseState::RolledBack, Some(self.reason.clone()));
        history.save()?;
        Ok(DeployOutcome { release: self.release, state: ReleaseState::Live, reason: Some(self.reason) })
    }
}
