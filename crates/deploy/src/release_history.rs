//! [`ReleaseHistory`]: the releases of every service on one target, as a JSON file
//! (`<state dir>/deploy/<target>/releases.json`, versioned wire type).
//!
//! Must not talk to a target: it records what targets did. Writes replace the file atomically
//! (write a temporary file, then rename).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{DeployError, Release, ReleaseNumber, ReleaseRecord, ReleaseState};

/// The version of `releases.json`; bumped on incompatible changes.
pub const RELEASES_FILE_VERSION: u32 = 1;

/// The release history of one target, loaded in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseHistory {
    path: PathBuf,
    services: BTreeMap<String, Vec<ReleaseRecord>>,
}

#[derive(Serialize, Deserialize)]
struct ReleasesFile {
    version: u32,
    services: BTreeMap<String, Vec<ReleaseRecord>>,
}

impl ReleaseHistory {
    /// The path of `target`'s history under `state_dir` (e.g. `.gantry`).
    pub fn path_for(state_dir: &Path, target: &str) -> PathBuf {
        state_dir.join("deploy").join(target).join("releases.json")
    }

    /// Loads `target`'s history; a missing file is an empty history.
    pub fn load(state_dir: &Path, target: &str) -> Result<Self, DeployError> {
        let path = Self::path_for(state_dir, target);
        let services = match std::fs::read(&path) {
            Ok(bytes) => decode(&path, &bytes)?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(error) => return Err(history_error(&path, error)),
        };
        Ok(Self { path, services })
    }

    /// Writes the history back to its file.
    pub fn save(&self) -> Result<(), DeployError> {
        let file = ReleasesFile {
            version: RELEASES_FILE_VERSION,
            services: self.services.clone(),
        };
        let bytes =
            serde_json::to_vec_pretty(&file).map_err(|error| history_error(&self.path, error))?;
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|error| history_error(dir, error))?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, bytes).map_err(|error| history_error(&temporary, error))?;
        std::fs::rename(&temporary, &self.path).map_err(|error| history_error(&self.path, error))
    }

    /// Every release of `service`, oldest first.
    pub fn records(&self, service: &str) -> &[ReleaseRecord] {
        self.services
            .get(service)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The number the next release of `service` gets.
    pub fn next_number(&self, service: &str) -> ReleaseNumber {
        self.records(service)
            .last()
            .map_or(1, |record| record.release.number + 1)
    }

    /// The release of `service` that serves now, if any.
    pub fn live(&self, service: &str) -> Option<&ReleaseRecord> {
        self.records(service)
            .iter()
            .rev()
            .find(|record| record.state == ReleaseState::Live)
    }

    /// Release `number` of `service`.
    pub fn find(&self, service: &str, number: ReleaseNumber) -> Option<&ReleaseRecord> {
        self.records(service)
            .iter()
            .find(|record| record.release.number == number)
    }

    /// The newest release before `number` that was live once (live or superseded): where a
    /// rollback of `number` goes.
    pub fn previous_good(&self, service: &str, number: ReleaseNumber) -> Option<&ReleaseRecord> {
        self.records(service)
            .iter()
            .rev()
            .filter(|record| record.release.number < number)
            .find(|record| matches!(record.state, ReleaseState::Live | ReleaseState::Superseded))
    }

    /// Adds a record for `release`, in state `Progressing`.
    pub fn start(&mut self, release: Release) {
        let service = release.service.clone();
        self.services
            .entry(service)
            .or_default()
            .push(ReleaseRecord::started(release));
    }

    /// Sets the final state of release `number` of `service`. When it becomes live, the
    /// release that was live before is marked superseded.
    pub fn finish(
        &mut self,
        service: &str,
        number: ReleaseNumber,
        state: ReleaseState,
        reason: Option<String>,
    ) {
        let Some(records) = self.services.get_mut(service) else {
            return;
        };
        if state == ReleaseState::Live {
            for record in records
                .iter_mut()
                .filter(|r| r.state == ReleaseState::Live && r.release.number != number)
            {
                record.state = ReleaseState::Superseded;
            }
        }
        if let Some(record) = records
            .iter_mut()
            .find(|record| record.release.number == number)
        {
            record.finish(state, reason);
        }
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<BTreeMap<String, Vec<ReleaseRecord>>, DeployError> {
    let file: ReleasesFile =
        serde_json::from_slice(bytes).map_err(|error| history_error(path, error))?;
    if file.version != RELEASES_FILE_VERSION {
        let reason = format!(
            "version {} is not {RELEASES_FILE_VERSION}, which this gantry reads",
            file.version
        );
        return Err(DeployError::History {
            path: path.to_owned(),
            reason,
        });
    }
    Ok(file.services)
}

fn history_error(path: &Path, error: impl std::fmt::Display) -> DeployError {
    DeployError::History {
        path: path.to_owned(),
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImageRef, ReleaseConfig};

    fn release(number: ReleaseNumber) -> Release {
        Release::new(
            "web",
            number,
            ImageRef::new(format!("reg/web:{number}")),
            ReleaseConfig::default(),
        )
    }

    #[test]
    fn numbers_releases_supersedes_the_live_one_and_round_trips_through_its_file() {
        let state = tempfile::tempdir().unwrap();
        let mut history = ReleaseHistory::load(state.path(), "swarm").unwrap();
        assert_eq!(history.next_number("web"), 1);
        for (number, state) in [
            (1, ReleaseState::Live),
            (2, ReleaseState::Live),
            (3, ReleaseState::RolledBack),
        ] {
            history.start(release(number));
            history.finish("web", number, state, None);
        }
        history.save().unwrap();
        let loaded = ReleaseHistory::load(state.path(), "swarm").unwrap();
        let states: Vec<_> = loaded
            .records("web")
            .iter()
            .map(|record| record.state)
            .collect();
        assert_eq!(
            states,
            [
                ReleaseState::Superseded,
                ReleaseState::Live,
                ReleaseState::RolledBack
            ]
        );
        assert_eq!(loaded.next_number("web"), 4);
        assert_eq!(
            loaded.live("web").map(|record| record.release.number),
            Some(2)
        );
        assert_eq!(
            loaded
                .previous_good("web", 2)
                .map(|record| record.release.number),
            Some(1)
        );
        assert!(
            ReleaseHistory::path_for(state.path(), "swarm").ends_with("deploy/swarm/releases.json")
        );
    }

    #[test]
    fn refuses_another_file_version() {
        let state = tempfile::tempdir().unwrap();
        let path = ReleaseHistory::path_for(state.path(), "swarm");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, r#"{"version": 99, "services": {}}"#).unwrap();
        let error = ReleaseHistory::load(state.path(), "swarm")
            .unwrap_err()
            .to_string();
        assert!(error.contains("version 99 is not 1"), "{error}");
    }
}
