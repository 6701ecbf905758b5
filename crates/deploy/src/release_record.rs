//! [`ReleaseRecord`]: a release and what became of it, as stored in release history.
//!
//! Must not do I/O; [`ReleaseHistory`](crate::ReleaseHistory) reads and writes records.

use serde::{Deserialize, Serialize};

use crate::{Release, Timestamp};

/// A release with its state and times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRecord {
    pub release: Release,
    pub state: ReleaseState,
    /// Why the release is in its state (the failed check, the rollback's cause).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: Timestamp,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub finished_at: Option<Timestamp>,
}

/// Where a release stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseState {
    /// Being rolled out (or the deploy was interrupted while rolling out).
    Progressing,
    /// Serving: the newest release that went out completely.
    Live,
    /// Was live, then a newer release replaced it.
    Superseded,
    /// Analysis failed (or a user asked) and the previous release was put back.
    RolledBack,
    /// The deploy failed before the release served anything, e.g. the engine refused it.
    Failed,
}

impl ReleaseRecord {
    /// A record for `release`, starting now.
    pub fn started(release: Release) -> Self {
        Self {
            release,
            state: ReleaseState::Progressing,
            reason: None,
            started_at: Timestamp::now_utc(),
            finished_at: None,
        }
    }

    /// The record with its final state.
    pub fn finish(&mut self, state: ReleaseState, reason: Option<String>) {
        self.state = state;
        self.reason = reason;
        self.finished_at = Some(Timestamp::now_utc());
    }
}
