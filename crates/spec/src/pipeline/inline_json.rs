//! Turns an inline YAML mapping (a stage's `blubberfile: {...}`) into JSON text with YAML 1.1
//! readings, so the Blubber reader and the engine get exactly the values SnakeYAML would
//! have handed to PipelineLib. JSON is YAML, so the result is a valid Blubber file.
//!
//! This module must not validate the Blubber config: that is `blubber::parse`'s job.

use serde_json::{Map, Number, Value as Json};

use crate::yaml::{Node, Reading, Value};

pub fn yaml_to_json_text(node: &Node) -> String {
    yaml_to_json(node).to_string()
}

fn yaml_to_json(node: &Node) -> Json {
    match &node.value {
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, value)| (key.scalar_text().unwrap_or_default().to_string(), yaml_to_json(value)))
                .collect::<Map<String, Json>>(),
        ),
        Value::Seq(items) => Json::Array(items.iter().map(yaml_to_json).collect()),
        Value::Scalar { text, .. } => scalar_to_json(text, node.reading().unwrap_or(Reading::Str)),
    }
}

fn scalar_to_json(text: &str, reading: Reading) -> Json {
    match reading {
        Reading::Null => Json::Null,
        Reading::Bool(value) => Json::Bool(value),
        Reading::Int => parse_yaml11_int(text).map_or_else(|| Json::String(text.to_string()), |n| Json::Number(n.into())),
        Reading::Float => text
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Json::String(text.to_string()), Json::Number),
        Reading::Str => Json::String(text.to_string()),
    }
}

/// Decimal, `0x` hex, `0b` binary and leading-zero octal, as YAML 1.1 reads them.
fn parse_yaml11_int(text: &str) -> Option<i64> {
    let cleaned = text.replace('_', "");
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(binary) = digits.strip_prefix("0b") {
        i64::from_str_radix(binary, 2).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse::<i64>().ok()?
    };
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_with_yaml11_readings() {
        let node = crate::yaml::parse("version: v4\nruns: {uid: 0x10, insecurely: yes}\nx: [~, '1', 1.5]\n").unwrap();
        assert_eq!(
            yaml_to_json_text(&node),
            r#"{"runs":{"insecurely":true,"uid":16},"version":"v4","x":[null,"1",1.5]}"#
        );
    }
}
