//! [`ContextWalk`]: lists the files of a build context the way BuildKit asks for them.
//!
//! When BuildKit pulls a local directory through gantry's file-sync session it sends
//! include patterns, paths to follow and the `.dockerignore` excludes; the walk answers with
//! file metadata in the order BuildKit's receiver validates (depth first, names sorted
//! bytewise, every directory before its contents). This mirrors `fsutil.Walk` as used by
//! Docker 20.10. The cache key walks the same way, so it sees exactly the files BuildKit
//! sees. One difference from Docker: gantry's own state directory at the context root
//! ([`STATE_DIR`], run records and copied-out files) is never part of a build. It must not
//! send anything or read file contents.

use std::fs::{self, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::entry_stat::EntryStat;
use crate::ignore_pattern::IgnorePattern;
use crate::ignore_patterns::IgnorePatterns;

/// gantry's state directory (`.gantry/runs`, `.gantry/artifacts`): never sent to a build,
/// so that one run's records cannot change the next run's images or cache keys.
pub const STATE_DIR: &str = ".gantry";

/// How many symlinks a followed path may go through before the walk gives up on it.
const MAX_LINK_HOPS: usize = 255;

// Go's os.FileMode bits, which fsutil puts on the wire instead of Unix mode bits.
pub const GO_MODE_DIR: u32 = 1 << 31;
pub const GO_MODE_SYMLINK: u32 = 1 << 27;
const GO_MODE_SETUID: u32 = 1 << 23;
const GO_MODE_SETGID: u32 = 1 << 22;
const GO_MODE_STICKY: u32 = 1 << 20;

/// One entry to send: its metadata, and for regular files where to read the data.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextEntry {
    pub stat: EntryStat,
    pub source: Option<PathBuf>,
}

/// A filtered walk of one directory.
#[derive(Debug)]
pub struct ContextWalk {
    root: PathBuf,
    excludes: IgnorePatterns,
    includes: Option<Vec<String>>,
}

impl ContextWalk {
    /// Prepares a walk of `root` that sends only paths matching `includes` (all if there are
    /// none) or `follow_paths` (with the symlinks they go through), minus `excludes`.
    pub fn new(
        root: &Path,
        includes: &[String],
        excludes: &[String],
        follow_paths: &[String],
    ) -> Result<Self, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open the build context {}: {e}", root.display()))?;
        let excludes = IgnorePatterns::new(excludes)?;
        let mut patterns: Vec<String> = includes.iter().map(|p| clean_relative(p)).collect();
        for path in follow_paths {
            patterns.extend(follow_links(&root, path));
        }
        let includes = (!includes.is_empty() || !follow_paths.is_empty()).then_some(patterns);
        Ok(Self {
            root,
            excludes,
            includes,
        })
    }

    /// Lists the entries to send, in wire order.
    pub fn entries(&self) -> Result<Vec<ContextEntry>, String> {
        let mut entries = Vec::new();
        let mut state = WalkState::default();
        self.visit_dir(&self.root, "", &mut state, &mut entries)?;
        Ok(entries)
    }

    fn visit_dir(
        &self,
        dir: &Path,
        prefix: &str,
        state: &mut WalkState,
        entries: &mut Vec<ContextEntry>,
    ) -> Result<(), String> {
        let read = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let mut children = Vec::new();
        for child in read {
            let child = child.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            children.push(child.file_name());
        }
        children.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for name in children {
            let name_text = name
                .to_str()
                .ok_or_else(|| format!("{} has a file name that is not UTF-8", dir.display()))?;
            let relative = if prefix.is_empty() {
                name_text.to_owned()
            } else {
                format!("{prefix}/{name_text}")
            };
            if prefix.is_empty() && name_text == STATE_DIR {
                continue;
            }
            let path = dir.join(&name);
            let metadata = fs::symlink_metadata(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let is_dir = metadata.is_dir();
            if !self.included(&relative, is_dir, state) {
                continue;
            }
            if self.excludes.excludes(&relative)
                && !(is_dir && self.excludes.reincludes_inside(&relative))
            {
                continue;
            }
            let Some(stat) = stat_for(&relative, &path, &metadata)? else {
                continue;
            };
            let source = metadata.is_file().then(|| path.clone());
            entries.push(ContextEntry { stat, source });
            if is_dir {
                self.visit_dir(&path, &relative, state, entries)?;
            }
        }
        Ok(())
    }

    /// fsutil's include check: a directory on the way to an include pattern is walked, and
    /// everything below a fully matched directory is included.
    fn included(&self, relative: &str, is_dir: bool, state: &mut WalkState) -> bool {
        let Some(patterns) = &self.includes else {
            return true;
        };
        if let Some(dir) = &state.included_dir
            && relative.starts_with(&format!("{dir}/"))
        {
            return true;
        }
        let mut matched = false;
        let mut partial = true;
        for pattern in patterns {
            if let Some(is_partial) = match_prefix(pattern, relative) {
                matched = true;
                if !is_partial {
                    partial = false;
                    break;
                }
            }
        }
        if matched && !partial && is_dir {
            state.included_dir = Some(relative.to_owned());
        }
        matched
    }
}

#[derive(Debug, Default)]
struct WalkState {
    included_dir: Option<String>,
}

/// fsutil's `matchPrefix`: `Some(partial)` if `pattern` matches `path`, where `partial` means
/// only `path`'s depth of the pattern was compared (the path is a directory on the way).
fn match_prefix(pattern: &str, path: &str) -> Option<bool> {
    let depth = path.matches('/').count();
    let parts: Vec<&str> = pattern.split('/').collect();
    let partial = parts.len() > depth + 1;
    let compared = if partial {
        parts[..=depth].join("/")
    } else {
        pattern.to_owned()
    };
    IgnorePattern::new(&compared)
        .is_ok_and(|p| p.matches(path))
        .then_some(partial)
}

/// `path` and, if it is a symlink inside `root`, what it points to (repeatedly).
fn follow_links(root: &Path, path: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = clean_relative(path);
    for _ in 0..MAX_LINK_HOPS {
        found.push(current.clone());
        let Ok(target) = fs::read_link(root.join(&current)) else {
            break;
        };
        let target = target.to_string_lossy().into_owned();
        current = match target.strip_prefix('/') {
            Some(absolute) => clean_relative(absolute),
            None => match current.rsplit_once('/') {
                Some((dir, _)) => clean_relative(&format!("{dir}/{target}")),
                None => clean_relative(&target),
            },
        };
    }
    found
}

/// A slash path relative to the walk root, with `.`, `..` and empty parts resolved.
fn clean_relative(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// The wire metadata of one entry, or `None` for kinds that are not sent (sockets,
/// pipes, devices). Owners are not kept: the Docker CLI resets them to root.
fn stat_for(relative: &str, path: &Path, metadata: &Metadata) -> Result<Option<EntryStat>, String> {
    let file_type = metadata.file_type();
    if file_type.is_socket()
        || file_type.is_fifo()
        || file_type.is_block_device()
        || file_type.is_char_device()
    {
        return Ok(None);
    }
    let unix_mode = metadata.mode();
    let mut mode = unix_mode & 0o777;
    if unix_mode & 0o4000 != 0 {
        mode |= GO_MODE_SETUID;
    }
    if unix_mode & 0o2000 != 0 {
        mode |= GO_MODE_SETGID;
    }
    if unix_mode & 0o1000 != 0 {
        mode |= GO_MODE_STICKY;
    }
    let mut stat = EntryStat {
        path: relative.to_owned(),
        mod_time: metadata.mtime() * 1_000_000_000 + metadata.mtime_nsec(),
        ..EntryStat::default()
    };
    if file_type.is_dir() {
        mode |= GO_MODE_DIR;
    } else if file_type.is_symlink() {
        mode |= GO_MODE_SYMLINK;
        let target =
            fs::read_link(path).map_err(|e| format!("cannot read link {}: {e}", path.display()))?;
        stat.linkname = target
            .to_str()
            .ok_or_else(|| format!("{} points to a path that is not UTF-8", path.display()))?
            .to_owned();
        stat.size = i64::try_from(stat.linkname.len()).unwrap_or(i64::MAX);
    } else {
        stat.size = i64::try_from(metadata.len()).unwrap_or(i64::MAX);
    }
    stat.mode = mode;
    Ok(Some(stat))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn context() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            (".dockerignore", "secret.txt\n"),
            ("a.txt", "a"),
            ("a/x.txt", "x"),
            ("a/b/y.txt", "y"),
            ("secret.txt", "s"),
            ("docs/keep.md", "k"),
            ("docs/drop.md", "d"),
            (".gantry/runs/1/record.json", "{}"),
        ] {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        symlink("a.txt", dir.path().join("link")).unwrap();
        dir
    }

    fn paths(walk: &ContextWalk) -> Vec<String> {
        walk.entries()
            .unwrap()
            .into_iter()
            .map(|e| e.stat.path)
            .collect()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn walks_depth_first_with_bytewise_sorted_names() {
        let dir = context();
        let walk = ContextWalk::new(dir.path(), &[], &[], &[]).unwrap();
        assert_eq!(
            paths(&walk),
            [
                ".dockerignore",
                "a",
                "a/b",
                "a/b/y.txt",
                "a/x.txt",
                "a.txt",
                "docs",
                "docs/drop.md",
                "docs/keep.md",
                "link",
                "secret.txt"
            ]
        );
    }

    #[test]
    fn gantrys_state_directory_is_never_part_of_a_build() {
        let dir = context();
        let followed = ContextWalk::new(dir.path(), &[], &[], &strings(&[".gantry/runs/1/record.json"])).unwrap();
        assert!(paths(&followed).is_empty());
        let whole = ContextWalk::new(dir.path(), &[], &[], &[]).unwrap();
        assert!(!paths(&whole).iter().any(|p| p.starts_with(".gantry")));
    }

    #[test]
    fn applies_excludes_with_reincludes() {
        let dir = context();
        let excludes = strings(&["secret.txt", "docs", "!docs/keep.md", "a/b"]);
        let walk = ContextWalk::new(dir.path(), &[], &excludes, &[]).unwrap();
        assert_eq!(
            paths(&walk),
            [
                ".dockerignore",
                "a",
                "a/x.txt",
                "a.txt",
                "docs",
                "docs/keep.md",
                "link"
            ]
        );
    }

    #[test]
    fn follow_paths_send_only_those_files_and_link_targets() {
        let dir = context();
        let walk =
            ContextWalk::new(dir.path(), &[], &[], &strings(&["link", ".dockerignore"])).unwrap();
        assert_eq!(paths(&walk), [".dockerignore", "a.txt", "link"]);
    }

    #[test]
    fn include_patterns_walk_down_to_matches_and_take_whole_dirs() {
        let dir = context();
        let walk = ContextWalk::new(dir.path(), &strings(&["a/b", "docs/*.md"]), &[], &[]).unwrap();
        assert_eq!(
            paths(&walk),
            [
                "a",
                "a/b",
                "a/b/y.txt",
                "docs",
                "docs/drop.md",
                "docs/keep.md"
            ]
        );
    }

    #[test]
    fn stats_carry_go_file_modes_and_data_sources() {
        let dir = context();
        fs::set_permissions(dir.path().join("a.txt"), fs::Permissions::from_mode(0o4755)).unwrap();
        let entries = ContextWalk::new(dir.path(), &[], &[], &[])
            .unwrap()
            .entries()
            .unwrap();
        let find = |path: &str| entries.iter().find(|e| e.stat.path == path).unwrap();
        assert_eq!(find("a.txt").stat.mode, 0o755 | GO_MODE_SETUID);
        assert_eq!(find("a.txt").stat.size, 1);
        assert!(find("a.txt").source.is_some());
        assert_eq!(find("a").stat.mode & GO_MODE_DIR, GO_MODE_DIR);
        assert!(find("a").source.is_none());
        assert_eq!(find("link").stat.mode & GO_MODE_SYMLINK, GO_MODE_SYMLINK);
        assert_eq!(find("link").stat.linkname, "a.txt");
        assert!(find("link").source.is_none());
    }
}
