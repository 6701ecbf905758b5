//! Which files of a build context BuildKit reads: Docker's `.dockerignore` rules
//! ([`IgnorePatterns`]) and fsutil's filtered walk ([`ContextWalk`]).
//!
//! Shared by the Docker backend, which serves these files to BuildKit, and by the cache,
//! whose keys must see exactly the files BuildKit sees. This crate must not read file
//! contents, hash or send anything: callers do that with the entries it lists.

mod context_walk;
mod dockerignore;
mod entry_stat;
mod ignore_pattern;
mod ignore_patterns;

pub use context_walk::{ContextEntry, ContextWalk, GO_MODE_DIR, GO_MODE_SYMLINK, STATE_DIR};
pub use dockerignore::dockerignore_patterns;
pub use entry_stat::EntryStat;
pub use ignore_pattern::{BadPattern, IgnorePattern};
pub use ignore_patterns::IgnorePatterns;
