//! [`StoreLock`]: an advisory lock on the store (`flock` on `<store>/lock`). Runs that add
//! entries hold it shared — their writes are atomic renames and never conflict —  and
//! whatever deletes valid entries (pruning, not written yet) must hold it exclusive, so
//! nothing is deleted under a writer. Released on drop,
//! also when the process dies. This module must not touch entries.

use std::fs::{File, OpenOptions};
use std::path::Path;

#[derive(Debug)]
pub struct StoreLock {
    // Kept open: closing the file releases the lock.
    _file: File,
}

impl StoreLock {
    /// Waits for a shared lock.
    pub fn shared(store_root: &Path) -> Result<Self, String> {
        Self::take(store_root, File::lock_shared)
    }

    /// Waits for the exclusive lock.
    pub fn exclusive(store_root: &Path) -> Result<Self, String> {
        Self::take(store_root, File::lock)
    }

    fn take(store_root: &Path, lock: fn(&File) -> std::io::Result<()>) -> Result<Self, String> {
        let path = store_root.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        lock(&file).map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
        Ok(Self { _file: file })
    }
}
