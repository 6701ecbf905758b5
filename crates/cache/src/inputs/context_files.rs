//! The build-context files a build reads, as `context:` inputs.
//!
//! The walk is `gantry-context`'s, the one the Docker backend serves to BuildKit, given the
//! same `.dockerignore` excludes and, as BuildKit's Dockerfile frontend does, the paths the
//! Dockerfile's `COPY`s name as paths to follow. This module must not decide which paths a
//! variant reads (that is `gantry_spec::blubber::context_paths`).

use std::fs::File;
use std::io;
use std::path::Path;

use gantry_context::{ContextEntry, ContextWalk, dockerignore_patterns};

use crate::{Digest, InputKind, InputName, KeyInputs};

/// The name Docker reads exclude patterns from, at the context root.
pub const DOCKERIGNORE: &str = ".dockerignore";

/// What a build reads from its context directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextSelection {
    /// Paths (relative to the context) the build follows; `None` is the whole context.
    pub follow: Option<Vec<String>>,
    /// Replaces the context's `.dockerignore` when set (a stage's `excludes:`).
    pub excludes: Option<Vec<String>>,
}

/// Adds one input per entry the build reads, and the `.dockerignore` itself when it exists.
pub fn add_context_inputs(inputs: &mut KeyInputs, context_dir: &Path, selection: &ContextSelection) -> Result<(), String> {
    let dockerignore = read_optional(&context_dir.join(DOCKERIGNORE))?;
    let excludes = match (&selection.excludes, &dockerignore) {
        (Some(excludes), _) => excludes.clone(),
        (None, Some(text)) => dockerignore_patterns(&String::from_utf8_lossy(text)),
        (None, None) => Vec::new(),
    };
    if let (Some(text), None) = (&dockerignore, &selection.excludes) {
        inputs.add_content(InputName::new(InputKind::Context, DOCKERIGNORE), text, false);
    }
    let follow = match &selection.follow {
        Some(paths) if paths.is_empty() => return Ok(()),
        Some(paths) => paths.clone(),
        None => Vec::new(),
    };
    let walk = ContextWalk::new(context_dir, &[], &excludes, &follow)?;
    for entry in walk.entries()?.into_iter().filter(|e| !is_repository_metadata(&e.stat.path)) {
        let digest = entry_digest(&entry).map_err(|e| format!("cannot read {}: {e}", entry.stat.path))?;
        inputs.add_digest(InputName::new(InputKind::Context, entry.stat.path.clone()), digest);
    }
    Ok(())
}

/// `.git` and what it holds change with every commit and fetch, not with the sources: never
/// an input (docs/caching.md).
fn is_repository_metadata(path: &str) -> bool {
    path == ".git" || path.starts_with(".git/")
}

/// `file\0<mode>\0<content>`, `dir\0<mode>` or `link\0<target>` (docs/caching.md).
fn entry_digest(entry: &ContextEntry) -> io::Result<Digest> {
    let stat = &entry.stat;
    let mode = normalized_mode(stat);
    let mut hasher = blake3::Hasher::new();
    if stat.is_symlink() {
        hasher.update(b"link\0").update(stat.linkname.as_bytes());
    } else if stat.is_dir() {
        hasher.update(b"dir\0").update(mode.as_bytes());
    } else {
        hasher.update(b"file\0").update(mode.as_bytes()).update(b"\0");
        if let Some(source) = &entry.source {
            io::copy(&mut File::open(source)?, &mut hasher)?;
        }
    }
    Ok(hasher.finalize().into())
}

/// Permission bits as git stores them — `755` for directories and files executable by their
/// owner, `644` for other files — so that checkouts made with different umasks share keys.
fn normalized_mode(stat: &gantry_context::EntryStat) -> &'static str {
    match stat.is_dir() || stat.mode & 0o100 != 0 {
        true => "755",
        false => "644",
    }
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}
