//! Compile-time `$NAME` / `${NAME}` expansion for values that reach BuildKit without a shell
//! (cache mount targets and ids), as Blubber v1.x expands them against the build env.
//!
//! Unlike Blubber (Go's `os.Expand`), a name gantry does not know is left as written rather
//! than emptied: gantry cannot see the base image's environment. This module must not decide
//! which variables are known; the caller passes them.

use std::collections::BTreeMap;

/// `text` with every known `$NAME` and `${NAME}` replaced by its value.
pub fn expand(text: &str, variables: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(rest.get(..dollar).unwrap_or_default());
        let after = rest.get(dollar + 1..).unwrap_or_default();
        let (name, consumed) = variable_at(after);
        match variables.get(name) {
            Some(value) if !name.is_empty() => out.push_str(value),
            _ => out.push_str(rest.get(dollar..dollar + 1 + consumed).unwrap_or("$")),
        }
        rest = after.get(consumed..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The variable name right after a `$` and how many bytes its reference takes.
fn variable_at(after: &str) -> (&str, usize) {
    if let Some(braced) = after.strip_prefix('{') {
        return match braced.find('}') {
            Some(close) => (braced.get(..close).unwrap_or_default(), close + 2),
            None => ("", 0),
        };
    }
    let length = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    (after.get(..length).unwrap_or_default(), length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_known_names_only() {
        let variables = BTreeMap::from([("GOPATH".to_owned(), "/opt/lib/go".to_owned()), ("A".to_owned(), "x".to_owned())]);
        let cases = [
            ("${GOPATH}/pkg", "/opt/lib/go/pkg"),
            ("$GOPATH/pkg", "/opt/lib/go/pkg"),
            ("$A$A", "xx"),
            ("${UNKNOWN}/x", "${UNKNOWN}/x"),
            ("$UNKNOWN", "$UNKNOWN"),
            ("cost $5 and ${", "cost $5 and ${"),
            ("trailing $", "trailing $"),
        ];
        for (input, expected) in cases {
            assert_eq!(expand(input, &variables), expected, "expanding {input:?}");
        }
    }
}
