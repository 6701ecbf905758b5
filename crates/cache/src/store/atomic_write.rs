//! Writing a file so that readers see either nothing or all of it: a temporary file in the
//! store's `tmp/`, synced, then renamed over the target (rename is atomic on one file
//! system). This module must not decide where files go.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `target` atomically, using `tmp_dir` (same file system) for the draft.
pub fn atomic_write(tmp_dir: &Path, target: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str, e: std::io::Error| format!("cannot {what} {}: {e}", target.display());
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| fail("create the folder of", e))?;
    }
    let draft = tmp_dir.join(draft_name());
    let written = File::create(&draft).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&draft, target)) {
        let _ = fs::remove_file(&draft);
        return Err(fail("write", e));
    }
    Ok(())
}

/// A name no other writer (thread or process) uses at the same time.
fn draft_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{}-{}-{nanos}.part", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}
