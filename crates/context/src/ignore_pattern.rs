//! [`IgnorePattern`]: one `.dockerignore` pattern, compiled.
//!
//! Docker turns each pattern into a regular expression: `*` and `?` never match `/`, `**`
//! matches any number of directories (`**/` also none), `[...]` is a character class and `\`
//! escapes the next character; everything else is literal. This module reproduces that
//! without a regex engine. It must not decide what is excluded — that is the job of
//! [`IgnorePatterns`](crate::IgnorePatterns), which applies patterns in order.

use std::fmt;

/// A compiled pattern, matched against a whole slash-separated relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnorePattern {
    text: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `?`: one character other than `/`.
    AnyChar,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `**` (or `**/`) followed by more pattern: nothing, or anything ending in `/`.
    AnyDirs,
    /// `**` at the end: anything at all.
    AnyRest,
    /// `[...]` or `[^...]`.
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

/// Why a pattern does not compile; Go's `filepath.ErrBadPattern` cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern(&'static str);

impl fmt::Display for BadPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl IgnorePattern {
    /// Compiles an already-cleaned pattern (no leading `!`).
    pub fn new(text: &str) -> Result<Self, BadPattern> {
        let chars: Vec<char> = text.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '*' if chars.get(i) == Some(&'*') => {
                    i += 1;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                    }
                    tokens.push(if i == chars.len() {
                        Token::AnyRest
                    } else {
                        Token::AnyDirs
                    });
                }
                '*' => tokens.push(Token::Star),
                '?' => tokens.push(Token::AnyChar),
                '\\' => match chars.get(i) {
                    Some(&escaped) => {
                        tokens.push(Token::Literal(escaped));
                        i += 1;
                    }
                    None => return Err(BadPattern("a trailing `\\` escapes nothing")),
                },
                '[' => {
                    let (token, next) = parse_class(&chars, i)?;
                    tokens.push(token);
                    i = next;
                }
                _ => tokens.push(Token::Literal(c)),
            }
        }
        Ok(Self {
            text: text.to_owned(),
            tokens,
        })
    }

    /// The pattern as written (cleaned, without `!`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `path` (slash-separated, relative) matches.
    pub fn matches(&self, path: &str) -> bool {
        let chars: Vec<char> = path.chars().collect();
        match_tokens(&self.tokens, &chars)
    }
}

/// Parses a character class whose `[` is just before `start`; returns it and the index
/// after its `]`.
fn parse_class(chars: &[char], start: usize) -> Result<(Token, usize), BadPattern> {
    let mut i = start;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut items = Vec::new();
    loop {
        let lo = match chars.get(i) {
            None => return Err(BadPattern("a `[` character class is not closed")),
            Some(']') if !items.is_empty() => return Ok((Token::Class { negated, items }, i + 1)),
            Some(_) => class_char(chars, &mut i)?,
        };
        let hi = if chars.get(i) == Some(&'-') {
            i += 1;
            let hi = class_char(chars, &mut i)?;
            if hi < lo {
                return Err(BadPattern("a character range ends before it starts"));
            }
            hi
        } else {
            lo
        };
        items.push((lo, hi));
    }
}

/// Reads one (possibly escaped) character of a class at `*i`, as Go's `getEsc` does.
fn class_char(chars: &[char], i: &mut usize) -> Result<char, BadPattern> {
    let mut c = *chars
        .get(*i)
        .ok_or(BadPattern("a `[` character class is not closed"))?;
    if c == '-' || c == ']' {
        return Err(BadPattern(
            "`-` or `]` where a character class needs a character",
        ));
    }
    if c == '\\' {
        *i += 1;
        c = *chars
            .get(*i)
            .ok_or(BadPattern("a trailing `\\` escapes nothing"))?;
    }
    *i += 1;
    Ok(c)
}

fn match_tokens(tokens: &[Token], text: &[char]) -> bool {
    let Some((token, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    match token {
        Token::Literal(c) => text.first() == Some(c) && match_tokens(rest, &text[1..]),
        Token::AnyChar => text.first().is_some_and(|&c| c != '/') && match_tokens(rest, &text[1..]),
        Token::Class { negated, items } => {
            text.first()
                .is_some_and(|&c| items.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated)
                && match_tokens(rest, &text[1..])
        }
        Token::Star => {
            for skip in 0..=text.len() {
                if match_tokens(rest, &text[skip..]) {
                    return true;
                }
                if text.get(skip) == Some(&'/') {
                    break;
                }
            }
            false
        }
        Token::AnyDirs => {
            match_tokens(rest, text)
                || (0..text.len()).any(|i| text[i] == '/' && match_tokens(rest, &text[i + 1..]))
        }
        Token::AnyRest => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (pattern, path, matches?) — expectations taken from Docker's patternmatcher tests and
    /// its regular-expression translation.
    const CASES: &[(&str, &str, bool)] = &[
        ("foo", "foo", true),
        ("foo", "foobar", false),
        ("foo", "foo/bar", false),
        ("*", "foo", true),
        ("*", "foo/bar", false),
        ("*", ".hidden", true),
        ("*.go", "main.go", true),
        ("*.go", "cmd/main.go", false),
        ("*/*.go", "cmd/main.go", true),
        ("?", "a", true),
        ("?", "/", false),
        ("a?c", "abc", true),
        ("a?c", "a/c", false),
        ("**", "a/b/c", true),
        ("**", "", true),
        ("**/foo", "foo", true),
        ("**/foo", "a/b/foo", true),
        ("**/foo", "a/bfoo", false),
        ("**/*.log", "x/y/z.log", true),
        ("**/*.log", "z.log", true),
        ("a/**", "a/b", true),
        ("a/**", "a/b/c", true),
        ("a/**", "a", false),
        ("a/**/b", "a/b", true),
        ("a/**/b", "a/x/y/b", true),
        ("a/**/b", "a/xb", false),
        ("a**b", "ab", true),
        ("a**b", "ax/b", true),
        ("a**b", "axb", false),
        ("[abc]", "b", true),
        ("[abc]", "d", false),
        ("[a-c]x", "bx", true),
        ("[^a-c]x", "dx", true),
        ("[^a-c]x", "bx", false),
        ("[\\]]", "]", true),
        ("\\*", "*", true),
        ("\\*", "x", false),
        ("a.b", "a.b", true),
        ("a.b", "axb", false),
        ("a+b", "a+b", true),
        ("(x)|y", "(x)|y", true),
        ("$x^", "$x^", true),
        ("]", "]", true),
        ("é*", "été", true),
    ];

    #[test]
    fn matches_like_docker() {
        for &(pattern, path, expected) in CASES {
            let compiled = IgnorePattern::new(pattern).unwrap();
            assert_eq!(
                compiled.matches(path),
                expected,
                "pattern {pattern:?} on {path:?}"
            );
        }
    }

    #[test]
    fn rejects_what_go_filepath_match_rejects() {
        for pattern in ["[", "[a", "[]", "[]a]", "[a-]", "[z-a]", "a\\", "[\\"] {
            assert!(
                IgnorePattern::new(pattern).is_err(),
                "pattern {pattern:?} should be rejected"
            );
        }
    }
}
