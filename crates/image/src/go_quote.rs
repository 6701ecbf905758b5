//! Go's `strconv.Quote`, byte for byte: Blubber quotes every argument with it.
//!
//! Printable characters are kept; `"` and `\` are escaped; `\a \b \f \n \r \t \v` use their
//! short escapes; other ASCII controls and DEL become `\xNN`; other non-printable characters
//! become `\uNNNN` or `\UNNNNNNNN` (lower-case hex, as Go writes them).
//!
//! Go decides printability with its Unicode tables (letters, marks, numbers, punctuation,
//! symbols and the ASCII space). Without those tables here, [`is_go_printable`] treats as
//! non-printable exactly the categories that can be recognised from fixed ranges: controls,
//! separators other than the ASCII space, format characters, private use and noncharacters.
//! Unassigned code points are kept as they are (Go would escape them).
//!
//! This module must not know about Dockerfiles; callers decide what to quote.

use std::fmt;

/// Quotes `text` the way Go's `strconv.Quote` does.
pub fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    write_go_quoted(&mut quoted, text).expect("writing to a String cannot fail");
    quoted
}

/// Writes `text` quoted the way Go's `strconv.Quote` does.
pub fn write_go_quoted(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    // Runs of printable ASCII other than `"` and `\` are copied as they are; everything else
    // goes through `write_escaped` one character at a time.
    let mut rest = text;
    while !rest.is_empty() {
        let plain = rest.bytes().take_while(|&b| (0x20..0x7F).contains(&b) && b != b'"' && b != b'\\').count();
        out.write_str(&rest[..plain])?;
        rest = &rest[plain..];
        if let Some(c) = rest.chars().next() {
            write_escaped(out, c)?;
            rest = &rest[c.len_utf8()..];
        }
    }
    out.write_char('"')
}

/// A Blubber `Run` without placeholders: the program verbatim, then each argument Go-quoted
/// (`make "build target"`).
pub fn command_line<S: AsRef<str>>(program: &str, args: &[S]) -> String {
    let mut line = program.to_owned();
    for arg in args {
        line.push(' ');
        line.push_str(&go_quote(arg.as_ref()));
    }
    line
}

fn write_escaped(out: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '"' => out.write_str("\\\""),
        '\\' => out.write_str("\\\\"),
        '\u{07}' => out.write_str("\\a"),
        '\u{08}' => out.write_str("\\b"),
        '\u{0C}' => out.write_str("\\f"),
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        '\u{0B}' => out.write_str("\\v"),
        c if is_go_printable(c) => out.write_char(c),
        c if (c as u32) < 0x20 || c == '\u{7F}' => write!(out, "\\x{:02x}", c as u32),
        c if (c as u32) < 0x10000 => write!(out, "\\u{:04x}", c as u32),
        c => write!(out, "\\U{:08x}", c as u32),
    }
}

/// Go's `strconv.IsPrint`, approximated as described in the module docs.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let code = c as u32;
    !(c.is_control() || c.is_whitespace() || is_format(code) || is_private_use(code) || is_noncharacter(code))
}

/// Unicode general category Cf (format characters), as of Unicode 13 (Go 1.19).
fn is_format(code: u32) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x13438),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ];
    RANGES.iter().any(|(low, high)| (*low..=*high).contains(&code))
}

fn is_private_use(code: u32) -> bool {
    (0xE000..=0xF8FF).contains(&code) || (0xF0000..=0xFFFFD).contains(&code) || (0x100000..=0x10FFFD).contains(&code)
}

fn is_noncharacter(code: u32) -> bool {
    (0xFDD0..=0xFDEF).contains(&code) || (code & 0xFFFE) == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    /// (input, Go's `strconv.Quote` output)
    const CASES: &[(&str, &str)] = &[
        ("hello", r#""hello""#),
        ("", r#""""#),
        ("say \"hi\"", r#""say \"hi\"""#),
        ("back\\slash", r#""back\\slash""#),
        ("a\nb\tc\rd", r#""a\nb\tc\rd""#),
        ("\u{07}\u{08}\u{0C}\u{0B}", r#""\a\b\f\v""#),
        ("\u{00}\u{1b}\u{7f}", r#""\x00\x1b\x7f""#),
        ("\u{80}\u{a0}", r#""\u0080\u00a0""#),
        ("\u{200b}\u{feff}\u{2028}", r#""\u200b\ufeff\u2028""#),
        ("\u{f0000}", r#""\U000f0000""#),
        ("héllo 世界 😀", "\"héllo 世界 😀\""),
        ("$HOME %s 100%", r#""$HOME %s 100%""#),
    ];

    #[test]
    fn matches_go_strconv_quote() {
        for (input, expected) in CASES {
            assert_eq!(go_quote(input), *expected, "quoting {input:?}");
        }
    }
}
