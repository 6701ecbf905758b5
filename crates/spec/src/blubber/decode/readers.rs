//! Typed readers over YAML nodes: each checks the node's shape and reports a diagnostic in
//! Blubber's wording when it is wrong, so callers only handle the happy value.

use super::{Decoder, Entries, REMOVED_KEYS};
use crate::Spanned;
use crate::diagnostic::nearest;
use crate::yaml::{self, Node as YamlNode, Reading, Value};

impl Decoder {
    /// Checks that `node` is a mapping and that its keys are allowed (`allowed` empty: any
    /// string key). Returns the entries in file order.
    pub(super) fn mapping<'a>(&mut self, node: &'a YamlNode, what: &str, allowed: &[&str]) -> Option<Entries<'a>> {
        let Value::Map(pairs) = &node.value else {
            self.type_mismatch(node, what, "object");
            return None;
        };
        let mut entries = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Some(name) = key.scalar_text() else {
                self.report(key.span, format!("{what}: keys must be strings"), "write the key as a plain word");
                continue;
            };
            if !allowed.is_empty() && !allowed.contains(&name) {
                self.unknown_key(key, name, what, allowed);
                continue;
            }
            entries.push((name, key, value));
        }
        Some(entries)
    }

    pub(super) fn unknown_key(&mut self, key: &YamlNode, name: &str, what: &str, allowed: &[&str]) {
        let removed = REMOVED_KEYS.iter().find(|(k, _)| *k == name).map(|(_, help)| help.to_string());
        let help = removed.unwrap_or_else(|| {
            let list = allowed.join(", ");
            match nearest(name, allowed.iter().copied()) {
                Some(suggestion) => format!("did you mean `{suggestion}`? Allowed in {what}: {list}"),
                None => format!("allowed in {what}: {list}"),
            }
        });
        self.report(key.span, format!("unknown field {name:?}"), help);
    }

    pub(super) fn sequence<'a>(&mut self, node: &'a YamlNode, what: &str) -> Vec<&'a YamlNode> {
        match &node.value {
            Value::Seq(items) => items.iter().collect(),
            _ => {
                self.type_mismatch(node, what, "array");
                Vec::new()
            }
        }
    }

    pub(super) fn type_mismatch(&mut self, node: &YamlNode, what: &str, expected: &str) {
        let got = match (&node.value, node.reading()) {
            (Value::Map(_), _) => "object",
            (Value::Seq(_), _) => "array",
            (_, Some(Reading::Null)) => "null",
            (_, Some(Reading::Bool(_))) => "boolean",
            (_, Some(Reading::Int | Reading::Float)) => "number",
            _ => "string",
        };
        let help = match (expected, got) {
            ("array", "string") => format!("write a list: `{what}: [{}]`", node.scalar_text().unwrap_or_default()),
            (_, "null") => format!("give `{what}` a value or remove the key"),
            _ => format!("`{what}` must be {}", with_article(expected)),
        };
        self.report(node.span, format!("{what}: expected {expected}, but got {got}"), help);
    }

    /// A string value. Plain scalars that YAML 1.1 reads as booleans or numbers are errors, as
    /// in Blubber, with a message that says why.
    pub(super) fn string(&mut self, node: &YamlNode, what: &str) -> Option<String> {
        match (&node.value, node.reading()) {
            (Value::Scalar { text, .. }, Some(Reading::Str)) => Some(text.clone()),
            (Value::Scalar { text, .. }, Some(reading @ (Reading::Bool(_) | Reading::Int | Reading::Float))) => {
                let meaning = match reading {
                    Reading::Bool(b) => format!("the boolean {b}"),
                    _ => "a number".into(),
                };
                self.report(
                    node.span,
                    format!("{what}: expected string, but got {} (YAML 1.1 reads {text} as {meaning})", reading.noun().trim_start_matches("a ")),
                    format!("quote the value: \"{text}\""),
                );
                None
            }
            _ => {
                self.type_mismatch(node, what, "string");
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, node: &YamlNode, what: &str) -> Option<bool> {
        match node.reading() {
            Some(Reading::Bool(b)) if matches!(node.value, Value::Scalar { style: yaml::Style::Plain, .. }) => Some(b),
            _ => {
                self.type_mismatch(node, what, "boolean");
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, node: &YamlNode, what: &str) -> Option<Vec<Spanned<String>>> {
        if !matches!(node.value, Value::Seq(_)) {
            self.type_mismatch(node, what, "array");
            return None;
        }
        Some(
            self.sequence(node, what)
                .into_iter()
                .filter_map(|item| self.string(item, what).map(|s| Spanned::new(s, item.span)))
                .collect(),
        )
    }

    pub(super) fn plain_string_list(&mut self, node: &YamlNode, what: &str) -> Option<Vec<String>> {
        self.string_list(node, what).map(|list| list.into_iter().map(|s| s.value).collect())
    }
}

fn with_article(noun: &str) -> String {
    match noun {
        "array" | "object" | "integer" => format!("an {noun}"),
        "array or object" => "an array or an object".into(),
        _ => format!("a {noun}"),
    }
}
