//! [`RunBundle`]: a run folder (`.gantry/runs/<run-id>/`: its record, logs and JUnit report)
//! as one versioned JSON document, to move a run between machines — `gantry record export
//! RUN > file` on CI, `gantry record import file` on a laptop.
//!
//! Must not read or write files: the CLI does, after [`RunBundle::check`] has vetted every
//! name in the bundle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a bundle's `format` field says.
pub const RUN_BUNDLE_FORMAT: &str = "gantry-run-bundle";
/// The version of the bundle's wire format; bumped on incompatible changes.
pub const RUN_BUNDLE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunBundle {
    pub format: String,
    pub version: u32,
    pub run_id: String,
    /// Every file of the run folder by its path relative to the folder (`/`-separated), with
    /// its text.
    pub files: BTreeMap<String, String>,
}

impl RunBundle {
    pub fn new(run_id: impl Into<String>, files: BTreeMap<String, String>) -> Self {
        Self { format: RUN_BUNDLE_FORMAT.into(), version: RUN_BUNDLE_VERSION, run_id: run_id.into(), files }
    }

    /// Whether the bundle may be unpacked: its format and version are known, the run ID is a
    /// plain name, and every file stays inside the run folder.
    pub fn check(&self) -> Result<(), String> {
        if self.format != RUN_BUNDLE_FORMAT {
            return Err(format!("not a gantry run bundle (format {:?})", self.format));
        }
        if self.version != RUN_BUNDLE_VERSION {
            return Err(format!("run bundle version {} is not supported (this gantry reads version {RUN_BUNDLE_VERSION})", self.version));
        }
        if !is_plain_name(&self.run_id) {
            return Err(format!("run ID {:?} is not a plain name", self.run_id));
        }
        match self.files.keys().find(|path| !path.split('/').all(is_plain_name)) {
            Some(path) => Err(format!("file {path:?} would land outside the run folder")),
            None => Ok(()),
        }
    }
}

/// Letters, digits, `-`, `_` and `.`, not starting with a dot: no separators, no `..`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(run_id: &str, path: &str) -> RunBundle {
        RunBundle::new(run_id, BTreeMap::from([(path.to_owned(), "text".to_owned())]))
    }

    #[test]
    fn names_that_could_escape_the_run_folder_are_refused() {
        assert!(bundle("run-1", "logs/test-unit.log").check().is_ok());
        for (run, path) in [("../x", "record.json"), ("run-1", "../record.json"), ("run-1", "/etc/passwd"), ("run-1", "a//b"), ("", "x")] {
            assert!(bundle(run, path).check().is_err(), "{run} {path}");
        }
    }

    #[test]
    fn other_formats_and_versions_are_refused() {
        let mut other = bundle("run-1", "record.json");
        other.version = RUN_BUNDLE_VERSION + 1;
        assert!(other.check().unwrap_err().contains("version"));
    }
}
