//! `gantry run --changed-since REV`: the selection of stages whose cache keys differ from
//! REV's (`gantry affected`'s answer), so that only those run, with what they need (which
//! the cache then restores when it can). No path globs: the keys know what each stage reads.
//!
//! This module must not run anything; it only narrows the selection.

use std::path::Path;

use crate::args::SelectionArgs;
use crate::commands::affected::affected_stages;
use crate::exit_code::ExitCode;

/// The selection to plan: the flags' own, narrowed to the changed stages when `rev` is
/// given. `None` when nothing changed (the run has nothing to do).
pub fn changed_selection(repo: &Path, selection: &SelectionArgs, rev: Option<&str>) -> Result<Option<SelectionArgs>, ExitCode> {
    let copy = || SelectionArgs { pipelines: selection.pipelines.clone(), stages: selection.stages.clone(), skip: selection.skip.clone() };
    let Some(rev) = rev else { return Ok(Some(copy())) };
    let mut changed: Vec<String> = affected_stages(repo, selection, rev)?
        .into_iter()
        .filter(|stage| !stage.reasons.is_empty())
        .map(|stage| stage.stage)
        .collect();
    changed.dedup();
    if changed.is_empty() {
        eprintln!("gantry: no stage's inputs changed since {rev}; nothing to run");
        return Ok(None);
    }
    eprintln!("gantry: changed since {rev}: {}", changed.join(", "));
    Ok(Some(SelectionArgs { stages: changed, ..copy() }))
}
