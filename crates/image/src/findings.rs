//! Problems found while compiling: errors stop the compile, warnings go with the Dockerfile.
//!
//! This module must not render or print anything.

use gantry_spec::Diagnostic;

#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Findings {
    pub fn error(&mut self, diagnostic: Diagnostic) {
        if !self.errors.contains(&diagnostic) {
            self.errors.push(diagnostic);
        }
    }

    pub fn warn(&mut self, diagnostic: Diagnostic) {
        if !self.warnings.contains(&diagnostic) {
            self.warnings.push(diagnostic);
        }
    }
}
