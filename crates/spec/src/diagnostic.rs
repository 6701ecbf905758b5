//! Problems found in a spec, each tied to a place in a file and carrying a help line.
//!
//! Diagnostics are plain data. They must not be rendered here: the CLI renders them in one
//! place (with the source excerpt), the server will render them as JSON.

use std::sync::Arc;

use crate::yaml::Span;

/// One problem in one file, with the region it concerns and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file as the user named it (relative paths stay relative).
    pub file: Arc<str>,
    pub span: Span,
    /// What is wrong. Keeps Blubber's or PipelineLib's wording where they have one.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Diagnostic {
    pub fn new(file: &Arc<str>, span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        Diagnostic { file: file.clone(), span, message: message.into(), help: help.into() }
    }
}

/// Collects diagnostics while a decoder or validator walks a spec, so that every problem is
/// reported in one pass.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if !self.items.contains(&diagnostic) {
            self.items.push(diagnostic);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics in file and source order.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
        self.items
    }
}

/// Returns the candidate closest to `word` by edit distance, if it is close enough to be a
/// plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_suggests_plausible_typos_only() {
        let keys = ["requirements", "env", "use-npm-ci", "allow-dedupe-failure"];
        assert_eq!(nearest("requirments", keys), Some("requirements"));
        assert_eq!(nearest("use-npm", keys), Some("use-npm-ci"));
        assert_eq!(nearest("completely-different", keys), None);
    }
}
