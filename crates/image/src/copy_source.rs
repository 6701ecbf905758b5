//! Where a COPY reads from when `from` is another stage, and the warning for `exclude`.
//!
//! A relative source in another variant resolves against that variant's working directory
//! (`runs.in`, else `lives.in`), as Blubber v1.x does (blubber.md §3.4); v0.23's Dockerfiles
//! resolved it against the stage root. Image sources are left as written.
//!
//! `exclude` needs `COPY --exclude`, which Docker 20.10's built-in frontend lacks: gantry
//! copies without it and warns (docs/compatibility.md). This module must not emit COPYs.

use gantry_spec::Diagnostic;
use gantry_spec::blubber::Artifact;

use crate::go_path;
use crate::stage_context::StageContext;

/// `source` as the COPY must name it when reading from `from` (not `local`).
pub(crate) fn source_in_stage(ctx: &StageContext, from: &str, source: &str) -> String {
    match ctx.stage_workdirs.get(from) {
        Some(workdir) if !source.starts_with('/') => go_path::resolve(workdir, source),
        _ => source.to_owned(),
    }
}

pub(crate) fn exclude_warning(ctx: &StageContext, artifact: &Artifact) -> Diagnostic {
    Diagnostic::new(
        ctx.file,
        artifact.from.span,
        format!(
            "exclude: {:?} is not applied: Docker 20.10's Dockerfile frontend has no COPY --exclude",
            artifact.exclude
        ),
        "the files are copied; keep them out with .dockerignore, or copy narrower sources",
    )
}
