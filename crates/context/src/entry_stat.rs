//! [`EntryStat`]: the metadata of one build-context entry, in fsutil's terms (Go file-mode
//! bits, nanosecond modification time).
//!
//! Backends copy it into their wire type (fsutil's `Stat`, whose owners are root); this
//! module must not know any wire format.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntryStat {
    /// Relative to the context root, `/`-separated.
    pub path: String,
    /// Permission bits plus Go's type and special bits (`GO_MODE_DIR`, `GO_MODE_SYMLINK`, …).
    pub mode: u32,
    /// Bytes of a file, or of a symlink's target text.
    pub size: i64,
    /// Nanoseconds since the epoch.
    pub mod_time: i64,
    /// A symlink's target, as written.
    pub linkname: String,
}

impl EntryStat {
    pub fn is_dir(&self) -> bool {
        self.mode & crate::GO_MODE_DIR != 0
    }

    pub fn is_symlink(&self) -> bool {
        self.mode & crate::GO_MODE_SYMLINK != 0
    }
}
