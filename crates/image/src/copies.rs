//! The install phase: each `copies` entry as one COPY, after shorthand expansion
//! (blubber.md §3.4): `local` → `. → .`; a variant or image → its `lives.in` and `/opt/lib`
//! (the *current* variant's `lives.in`, as Blubber does); a missing destination → the source.
//!
//! This module must not group copies (that is `requirements`' rule, not this one).

use gantry_spec::blubber::Artifact;
use gantry_spec::blubber::defaults::LIB_DIR;

use crate::copy_source::{exclude_warning, source_in_stage};
use crate::findings::Findings;
use crate::instruction::Instruction;
use crate::stage_context::{LIVES_CHOWN, StageContext};

pub(crate) fn install(ctx: &StageContext, chown: bool, findings: &mut Findings) -> Vec<Instruction> {
    let mut instructions = Vec::new();
    for artifact in &ctx.config.copies {
        if !artifact.exclude.is_empty() {
            findings.warn(exclude_warning(ctx, artifact));
        }
        for (source, destination) in expanded_paths(artifact, ctx.lives_in()) {
            let from = artifact.from.value.as_str();
            let is_local = artifact.is_local();
            instructions.push(Instruction::Copy {
                chown: chown.then(|| LIVES_CHOWN.to_owned()),
                from: (!is_local).then(|| ctx.copy_source_ref(from)),
                sources: vec![if is_local { source } else { source_in_stage(ctx, from, &source) }],
                destination,
            });
        }
    }
    instructions
}

/// The `(source, destination)` pairs an entry stands for.
fn expanded_paths(artifact: &Artifact, lives_in: &str) -> Vec<(String, String)> {
    let (source, destination) = (&artifact.source, &artifact.destination);
    if source.is_empty() && destination.is_empty() {
        if artifact.is_local() {
            return vec![(".".to_owned(), ".".to_owned())];
        }
        return vec![(lives_in.to_owned(), lives_in.to_owned()), (LIB_DIR.to_owned(), LIB_DIR.to_owned())];
    }
    let destination = if destination.is_empty() { source } else { destination };
    vec![(source.clone(), destination.clone())]
}
