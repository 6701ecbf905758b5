//! POSIX shell quoting for text gantry writes into RUN commands (script bodies, apt files).
//!
//! Blubber's own arguments use Go quoting, which a shell reads differently (`$` still expands
//! inside double quotes); text that must reach a file unchanged is single-quoted instead.
//! This module must not know what the text is.

/// `text` as one single-quoted shell word: `it's` → `'it'\''s'`.
pub fn single_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A command writing `content` to `path` with `printf`, one argument per line, so the RUN
/// line holds no literal newline. A final line without newline gets one.
pub fn write_file_command(content: &str, path: &str) -> String {
    let lines: Vec<String> = content.lines().map(single_quote).collect();
    format!("printf '%s\\n' {} > {}", lines.join(" "), single_quote(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_sh() {
        assert_eq!(single_quote("plain"), "'plain'");
        assert_eq!(single_quote("it's $HOME"), r"'it'\''s $HOME'");
        assert_eq!(write_file_command("a\nb c\n", "/x y"), r"printf '%s\n' 'a' 'b c' > '/x y'");
    }
}
