//! A free-form value after plan-time interpolation (`exports` values, `deploy.overrides`):
//! strings (keys too) are [`Text`]s, booleans and numbers pass through as PipelineLib passes
//! them.
//!
//! This module must not resolve anything: the resolver builds these.

use std::fmt;

use crate::text::Text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(Text),
    Bool(bool),
    /// A number as written.
    Number(String),
    Null,
    List(Vec<Value>),
    Map(Vec<(Text, Value)>),
}

impl Value {
    /// The texts in the value, keys included, depth first.
    pub fn texts(&self) -> Vec<&Text> {
        let mut found = Vec::new();
        self.collect_texts(&mut found);
        found
    }

    fn collect_texts<'a>(&'a self, found: &mut Vec<&'a Text>) {
        match self {
            Value::Text(text) => found.push(text),
            Value::List(items) => items.iter().for_each(|item| item.collect_texts(found)),
            Value::Map(entries) => {
                for (key, value) in entries {
                    found.push(key);
                    value.collect_texts(found);
                }
            }
            Value::Bool(_) | Value::Number(_) | Value::Null => {}
        }
    }

    /// The value as one string, the way Groovy prints it when it is interpolated into text,
    /// if nothing in it waits for the run.
    pub fn as_known(&self) -> Option<String> {
        match self {
            Value::Text(text) => text.as_known(),
            _ if self.texts().iter().all(|t| t.as_known().is_some()) => Some(self.to_string()),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// Groovy's rendering: `[a, b]` for lists, `[k:v]` for maps.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(text) => write!(f, "{text}"),
            Value::Bool(value) => write!(f, "{value}"),
            Value::Number(text) => f.write_str(text),
            Value::Null => f.write_str("null"),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", items.join(", "))
            }
            Value::Map(entries) if entries.is_empty() => f.write_str("[:]"),
            Value::Map(entries) => {
                let entries: Vec<String> = entries.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                write!(f, "[{}]", entries.join(", "))
            }
        }
    }
}
