//! A compiled Dockerfile: its stages in build order, and how it is written out.
//!
//! Text layout follows Blubber v0.23: each stage's instructions one per line, an empty line
//! after each stage, then `LABEL blubber.variant="<v>" blubber.version="<version>"`.
//!
//! This module must not decide what a stage contains.

use std::fmt;

use gantry_spec::Diagnostic;

use crate::instruction::Instruction;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// Dependencies first; the last stage is the requested variant.
    pub stages: Vec<Stage>,
    /// The `blubber.variant` / `blubber.version` label values.
    pub variant: String,
    pub version: String,
    /// Things the output does not do although the spec asks for them (see
    /// docs/compatibility.md), for the CLI to show.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The variant name, also the Dockerfile stage name (`--target`).
    pub name: String,
    /// The base image as emitted (after rewriting); `None` for `FROM scratch`.
    pub base: Option<String>,
    pub instructions: Vec<Instruction>,
}

impl Dockerfile {
    /// The requested variant's stage: the build target.
    pub fn target_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn stage_names(&self) -> impl Iterator<Item = &str> {
        self.stages.iter().map(|s| s.name.as_str())
    }

    fn label(&self) -> Instruction {
        Instruction::Label(vec![
            ("blubber.variant".to_owned(), self.variant.clone()),
            ("blubber.version".to_owned(), self.version.clone()),
        ])
    }
}

impl fmt::Display for Dockerfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for stage in &self.stages {
            for instruction in &stage.instructions {
                writeln!(f, "{instruction}")?;
            }
            writeln!(f)?;
        }
        writeln!(f, "{}", self.label())
    }
}
