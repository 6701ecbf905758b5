//! Reading a `.dockerignore` file into patterns, as Docker 20.10's `dockerignore.ReadAll`
//! does: a UTF-8 BOM is dropped, lines starting with `#` are comments, the rest is trimmed
//! and empty lines are skipped. Cleaning and `!` handling happen in
//! [`IgnorePatterns`](crate::IgnorePatterns). This module must not read files.

/// The patterns of a `.dockerignore` text, in order.
pub fn dockerignore_patterns(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blanks_and_a_bom_are_dropped() {
        let text = "\u{feff}# comment\n\n  build/  \n !keep \r\n  # not a comment after spaces\n";
        assert_eq!(dockerignore_patterns(text), ["build/", "!keep", "# not a comment after spaces"]);
    }
}
