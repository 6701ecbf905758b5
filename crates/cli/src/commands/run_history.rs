//! [`RunHistory`]: the runs recorded in a repository (`.gantry/runs/<run-id>/record.json`),
//! and finding one by what a user types — its ID, a unique prefix of it, `last`, or the path
//! of a `record.json` anywhere.
//!
//! This module must not change runs; it only reads their records.

use std::path::{Path, PathBuf};

use crate::commands::record::RUNS_DIR;
use crate::commands::run::run_record::RunRecord;

/// The runs of one repository.
pub struct RunHistory {
    runs: PathBuf,
}

/// One recorded run: its folder and its record.
pub struct RecordedRun {
    pub folder: PathBuf,
    pub record: RunRecord,
}

impl RunHistory {
    pub fn new(repo: &Path) -> Self {
        Self { runs: repo.join(RUNS_DIR) }
    }

    /// Every run's ID, oldest first (IDs start with their UTC start time).
    pub fn ids(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.runs) else { return Vec::new() };
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join("record.json").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        ids
    }

    /// The run `wanted` names: an ID, a unique prefix of one, `last`, or a record file.
    pub fn find(&self, wanted: &str) -> Result<RecordedRun, String> {
        let as_file = Path::new(wanted);
        if as_file.is_file() {
            let folder = as_file.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            return Ok(RecordedRun { record: read_record(as_file)?, folder });
        }
        let ids = self.ids();
        let matching: Vec<&String> = match wanted {
            "last" => ids.last().into_iter().collect(),
            _ => ids.iter().filter(|id| id.starts_with(wanted)).collect(),
        };
        match matching.as_slice() {
            [id] => self.load(id),
            [] => Err(format!("no run {wanted} in {} (see `gantry runs`)", self.runs.display())),
            several => Err(format!("{wanted} names {} runs; give more of the ID", several.len())),
        }
    }

    /// The run with ID `id`.
    pub fn load(&self, id: &str) -> Result<RecordedRun, String> {
        let folder = self.runs.join(id);
        Ok(RecordedRun { record: read_record(&folder.join("record.json"))?, folder })
    }
}

fn read_record(path: &Path) -> Result<RunRecord, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a run record this gantry reads: {e}", path.display()))
}
