//! What compiling one stage needs to know besides its own config: the file, the other stages,
//! the options. Also the few helpers every feature uses (RUN with the CA mount, `--from`
//! targets, the lives user's chown).
//!
//! This module must not emit a feature's instructions itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use gantry_spec::blubber::{Common, Variant};

use crate::{ca_bundle, package_caches};
use crate::compile_options::CompileOptions;
use crate::instruction::{Instruction, RunMount};

pub(crate) struct StageContext<'a> {
    pub file: &'a Arc<str>,
    pub name: &'a str,
    pub config: &'a Variant,
    pub options: &'a CompileOptions,
    /// The working directory of every stage of this Dockerfile, by stage name.
    pub stage_workdirs: &'a BTreeMap<String, String>,
}

/// Copies in non-scratch stages are owned by the lives user (blubber.md §3.2).
pub(crate) const LIVES_CHOWN: &str = "$LIVES_UID:$LIVES_GID";

impl StageContext<'_> {
    pub fn common(&self) -> &Common {
        &self.config.common
    }

    pub fn lives_in(&self) -> &str {
        &self.common().lives.in_dir
    }

    /// A RUN of `command` with `mounts`, plus the CA bundle mount when configured.
    pub fn run_with_mounts(&self, mut mounts: Vec<RunMount>, command: impl Into<String>) -> Instruction {
        let command = command.into();
        mounts.extend(package_caches::run_mounts(self, &command));
        mounts.extend(ca_bundle::run_mount(self.options));
        Instruction::Run { mounts, command }
    }

    pub fn run(&self, command: impl Into<String>) -> Instruction {
        self.run_with_mounts(Vec::new(), command)
    }

    pub fn is_stage(&self, name: &str) -> bool {
        self.stage_workdirs.contains_key(name)
    }

    /// What `--from=` names for a copy or mount source other than `local`: a stage as is, an
    /// image after rewriting.
    pub fn copy_source_ref(&self, from: &str) -> String {
        if self.is_stage(from) { from.to_owned() } else { self.options.images.rewrite(from) }
    }
}
