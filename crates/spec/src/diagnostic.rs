//! Problems found in a spec, each tied to a place in a file and carrying a help line.
//!
//! Diagnostics are plain data. They must not be rendered here: the CLI renders them in one
//! place (with the source excerpt), the server will render them as JSON.

use std::sync::Arc;

use crate::yaml::{self, Node, Span};

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

/// Parses a YAML document; a syntax error becomes a diagnostic in yaml.v2's wording
/// (`yaml: line N: ...`), which is what Blubber users see and search for.
pub fn parse_yaml(file: &Arc<str>, text: &str) -> Result<Node, Vec<Diagnostic>> {
    yaml::parse(text).map_err(|e| {
        vec![Diagnostic::new(
            file,
            Span { start: e.pos, end: e.pos },
            format!("yaml: line {}: {}", e.pos.line, e.message),
            "fix the YAML syntax at this position (check indentation and that values containing `: ` are quoted)",
        )]
    })
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

/// Edit distance where swapping two neighbouring letters counts as one edit (optimal string
/// alignment), so `biuld` is one edit from `build`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = rows[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
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
        assert_eq!(nearest("biuld", ["build", "test"]), Some("build"));
    }
}
