//! [`InputChange`]: one difference between the inputs of two keys — what `gantry why` and
//! `gantry affected` report.
//!
//! This module must not decide which inputs exist; it only compares two sets.

use std::fmt;

use crate::key::input_name::{InputKind, InputName};
use crate::key::key_inputs::InputValue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputChange {
    pub name: InputName,
    pub before: Option<InputValue>,
    pub after: Option<InputValue>,
}

impl InputChange {
    /// `added`, `removed` or `changed`.
    pub fn verb(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        }
    }
}

impl fmt::Display for InputChange {
    /// `build-context file app.py changed`, `base image debian:12 changed: sha256:… → sha256:…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.name.kind;
        match kind {
            InputKind::Dockerfile | InputKind::Platform => write!(f, "{} {}", kind.noun(), self.verb())?,
            _ => write!(f, "{} {} {}", kind.noun(), self.name.detail, self.verb())?,
        }
        if kind == InputKind::Context {
            // A file's digest says nothing to a reader; its name and the verb do.
            return Ok(());
        }
        let shown = |value: &Option<InputValue>| value.as_ref().map(InputValue::display);
        match (shown(&self.before), shown(&self.after)) {
            (Some(before), Some(after)) => write!(f, ": {before} → {after}"),
            (None, Some(after)) => write!(f, ": {after}"),
            (Some(before), None) => write!(f, " (was {before})"),
            (None, None) => Ok(()),
        }
    }
}
