//! "Did you mean" for names the user typed: the spec crate's edit-distance match, plus
//! swapped letters (`tset` for `test`), which edit distance counts as two mistakes.
//!
//! This module must not build messages; callers word their own help lines.

use gantry_spec::diagnostic::nearest;

pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<&'a str> {
    nearest(word, candidates.clone()).or_else(|| candidates.into_iter().find(|c| is_one_swap_away(word, c)))
}

fn is_one_swap_away(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let differences: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(differences.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_swaps() {
        assert_eq!(did_you_mean("tset", ["test", "publish"]), Some("test"));
        assert_eq!(did_you_mean("candidat", ["candidate"]), Some("candidate"));
        assert_eq!(did_you_mean("zzz", ["test"]), None);
    }
}
