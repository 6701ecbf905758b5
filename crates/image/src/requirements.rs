//! The COPYs a builder's `requirements` turn into (pre-install, before its commands).
//!
//! Blubber groups entries by `from` (first-seen order), then by normalized destination
//! (first-seen order), and emits one COPY per group with all its sources (blubber.md §3.3.3).
//! Sources are cleaned keeping a trailing `/`; destinations default from the source.
//!
//! This module must not run anything; builders add their commands after these COPYs.

use gantry_spec::blubber::Artifact;

use crate::copy_source::{exclude_warning, source_in_stage};
use crate::findings::Findings;
use crate::go_path;
use crate::instruction::Instruction;
use crate::stage_context::{LIVES_CHOWN, StageContext};

struct Group<'a> {
    from: &'a str,
    destination: String,
    sources: Vec<String>,
}

pub(crate) fn copies(ctx: &StageContext, requirements: &[Artifact], findings: &mut Findings) -> Vec<Instruction> {
    let mut groups: Vec<Group> = Vec::new();
    let mut from_order: Vec<&str> = Vec::new();
    for artifact in requirements {
        if !artifact.exclude.is_empty() {
            findings.warn(exclude_warning(ctx, artifact));
        }
        let from = artifact.from.value.as_str();
        if !from_order.contains(&from) {
            from_order.push(from);
        }
        let destination = normalized_destination(artifact);
        let source = normalized_source(&artifact.source);
        match groups.iter_mut().find(|g| g.from == from && g.destination == destination) {
            Some(group) => group.sources.push(source),
            None => groups.push(Group { from, destination, sources: vec![source] }),
        }
    }
    from_order
        .into_iter()
        .flat_map(|from| groups.iter().filter(move |g| g.from == from))
        .map(|group| copy_instruction(ctx, group))
        .collect()
}

fn copy_instruction(ctx: &StageContext, group: &Group) -> Instruction {
    let is_local = group.from == "local" || group.from.is_empty();
    let sources = group.sources.iter().map(|s| if is_local { s.clone() } else { source_in_stage(ctx, group.from, s) }).collect();
    Instruction::Copy {
        chown: Some(LIVES_CHOWN.to_owned()),
        from: (!is_local).then(|| ctx.copy_source_ref(group.from)),
        sources,
        destination: group.destination.clone(),
    }
}

/// Blubber's `isDir`: `.`-like paths and paths ending in `/`.
pub(crate) fn is_dir(path: &str) -> bool {
    go_path::clean(path) == "." || path.ends_with('/')
}

/// The source cleaned, keeping a trailing `/` for directories (`.` → `./`).
pub(crate) fn normalized_source(source: &str) -> String {
    let cleaned = go_path::clean(source);
    if cleaned != "/" && is_dir(source) { format!("{cleaned}/") } else { cleaned }
}

/// Where the source lands: see blubber.md §3.3.3.
pub(crate) fn normalized_destination(artifact: &Artifact) -> String {
    if artifact.destination.is_empty() {
        if !artifact.source.is_empty() && is_dir(&artifact.source) {
            return artifact.source.clone();
        }
        return format!("{}/", go_path::dir(&normalized_source(&artifact.source)));
    }
    let cleaned = go_path::clean(&artifact.destination);
    if cleaned != "/" && (is_dir(&artifact.destination) || is_dir(&artifact.source)) { format!("{cleaned}/") } else { cleaned }
}

/// The path a file requirement has after copying (pip's `-r` argument): the normalized
/// destination, plus the source's base name when a file lands in a directory.
pub(crate) fn effective_destination(artifact: &Artifact) -> String {
    let destination = normalized_destination(artifact);
    if !is_dir(&destination) || is_dir(&artifact.source) {
        return destination;
    }
    let base = go_path::base(&artifact.source);
    if destination == "./" { base } else { format!("{destination}{base}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gantry_spec::blubber::Spanned;

    fn artifact(source: &str, destination: &str) -> Artifact {
        Artifact { from: Spanned::new("local".into(), Default::default()), source: source.into(), destination: destination.into(), exclude: vec![] }
    }

    /// (source, destination, normalized source, normalized destination, effective destination)
    const CASES: &[(&str, &str, &str, &str, &str)] = &[
        ("package.json", "", "package.json", "./", "package.json"),
        ("src/", "", "src/", "src/", "src/"),
        (".", "", "./", ".", "."),
        ("./a/b/", "", "a/b/", "./a/b/", "./a/b/"),
        ("foo/bar.txt", "", "foo/bar.txt", "foo/", "foo/bar.txt"),
        ("r.txt", "deps/", "r.txt", "deps/", "deps/r.txt"),
        ("dir/", "other", "dir/", "other/", "other/"),
        ("./docs/", "./", "docs/", "./", "./"),
        ("a", "/", "a", "/", "/a"),
    ];

    #[test]
    fn normalizes_like_blubber() {
        for (source, destination, n_source, n_destination, effective) in CASES {
            let a = artifact(source, destination);
            assert_eq!(normalized_source(source), *n_source, "source of {a:?}");
            assert_eq!(normalized_destination(&a), *n_destination, "destination of {a:?}");
            assert_eq!(effective_destination(&a), *effective, "effective destination of {a:?}");
        }
    }
}
