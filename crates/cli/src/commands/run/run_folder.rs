//! [`RunFolder`]: a run's ID and its folder, `.gantry/runs/<run-id>/`, where its record, its
//! stage logs and its JUnit report go.
//!
//! It must not write anything but the empty folder; the recorders fill it.

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use gantry_engine::Timestamp;
use gantry_engine::pipeline_run::pipelinelib_timestamp;

use crate::commands::record::RUNS_DIR;

#[derive(Debug, Clone)]
pub struct RunFolder {
    /// `<yyyy-MM-dd-HHmmss>-<6 hex digits>` (the time as PipelineLib's `setup.timestamp`):
    /// sorts by start time, unique on this machine.
    pub id: String,
    pub dir: PathBuf,
}

impl RunFolder {
    /// Creates a fresh run folder in `repo`.
    pub fn create(repo: &Path) -> io::Result<RunFolder> {
        let runs = repo.join(RUNS_DIR);
        std::fs::create_dir_all(&runs)?;
        loop {
            let id = new_run_id(Timestamp::now_utc());
            let dir = runs.join(&id);
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(RunFolder { id, dir }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// A fresh run ID and the folder it would have, which is not created: for a session that
    /// keeps no record (`gantry shell STAGE`).
    pub fn unwritten(repo: &Path) -> RunFolder {
        let id = new_run_id(Timestamp::now_utc());
        RunFolder { dir: repo.join(RUNS_DIR).join(&id), id }
    }

    /// Where the log of `stage` of `pipeline` goes.
    pub fn stage_log(&self, pipeline: &str, stage: &str) -> PathBuf {
        self.dir.join(pipeline).join(format!("{stage}.log"))
    }
}

fn new_run_id(at: Timestamp) -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_i128(at.unix_timestamp_nanos());
    hasher.write_u32(std::process::id());
    let suffix = hasher.finish() & 0xff_ffff;
    format!("{}-{suffix:06x}", pipelinelib_timestamp(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_start_with_the_utc_time() {
        let at = Timestamp::from_unix_timestamp(1_778_608_231).unwrap();
        let id = new_run_id(at);
        assert!(id.starts_with("2026-05-12-175031-"), "{id}");
        assert_eq!(id.len(), 24);
    }
}
