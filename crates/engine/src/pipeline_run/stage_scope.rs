//! [`StageScope`]: what a running stage can read — its own values so far, its ancestors'
//! values, `setup`'s, and the environment for `${NAME}` — and the rendering of the plan's
//! [`Text`]s and [`Value`]s with them, by PipelineLib's rules ([`Text::render`]).
//!
//! Must not bind anything: steps bind through their stage run.

use std::collections::BTreeMap;

use gantry_plan::{BindingRef, Bound, Text, Value};

use crate::scheduler::AncestorExports;
use crate::{BindingValue, FailureKind, StageFailure};

pub(crate) struct StageScope<'a> {
    pub stage: &'a str,
    pub own: &'a BTreeMap<String, BindingValue>,
    pub ancestors: &'a AncestorExports,
    pub setup: &'a BTreeMap<String, String>,
    pub environment: &'a BTreeMap<String, String>,
}

impl<'a> StageScope<'a> {
    /// `text` with every reference filled in; `field` names it in the error.
    pub fn render(&self, field: &str, text: &Text) -> Result<String, StageFailure> {
        text.render(
            |binding| self.lookup(binding),
            |name| self.environment.get(name).cloned(),
        )
        .map_err(|unbound| StageFailure::new(FailureKind::Invalid, format!("{field}: {unbound}")))
    }

    /// Every text of `texts`, rendered.
    pub fn render_all(&self, field: &str, texts: &[Text]) -> Result<Vec<String>, StageFailure> {
        texts.iter().map(|text| self.render(field, text)).collect()
    }

    /// `value` as one string, the way Groovy prints it (`[a, b]`, `[k:v]`).
    pub fn render_value(&self, field: &str, value: &Value) -> Result<String, StageFailure> {
        let list = |items: Vec<String>| format!("[{}]", items.join(", "));
        Ok(match value {
            Value::Text(text) => self.render(field, text)?,
            Value::Bool(value) => value.to_string(),
            Value::Number(text) => text.clone(),
            Value::Null => "null".to_owned(),
            Value::List(items) => list(
                items
                    .iter()
                    .map(|item| self.render_value(field, item))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(entries) if entries.is_empty() => "[:]".to_owned(),
            Value::Map(entries) => list(
                entries
                    .iter()
                    .map(|(key, value)| {
                        Ok(format!(
                            "{}:{}",
                            self.render(field, key)?,
                            self.render_value(field, value)?
                        ))
                    })
                    .collect::<Result<_, StageFailure>>()?,
            ),
        })
    }

    /// `value` as structured data (deploy `overrides`): texts rendered, numbers as numbers
    /// when they read as one, maps with rendered keys.
    pub fn render_json(&self, field: &str, value: &Value) -> Result<serde_json::Value, StageFailure> {
        use serde_json::Value as Json;
        Ok(match value {
            Value::Text(text) => Json::String(self.render(field, text)?),
            Value::Bool(value) => Json::Bool(*value),
            Value::Number(text) => serde_json::from_str::<serde_json::Number>(text)
                .map_or_else(|_| Json::String(text.clone()), Json::Number),
            Value::Null => Json::Null,
            Value::List(items) => Json::Array(
                items.iter().map(|item| self.render_json(field, item)).collect::<Result<_, _>>()?,
            ),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(key, value)| Ok((self.render(field, key)?, self.render_json(field, value)?)))
                    .collect::<Result<_, StageFailure>>()?,
            ),
        })
    }

    pub fn setup_value(&self, key: &str) -> &'a str {
        self.setup.get(key).map_or("", String::as_str)
    }

    fn lookup(&self, binding: &BindingRef) -> Bound<'a> {
        let bound = match binding.stage.as_str() {
            "setup" => {
                return self
                    .setup
                    .get(&binding.key)
                    .map_or(Bound::Unbound, |v| Bound::Value(v));
            }
            stage if stage == self.stage => self.own.get(&binding.key),
            stage => self
                .ancestors
                .get(stage)
                .and_then(|values| values.get(&binding.key)),
        };
        match bound {
            Some(BindingValue::Text(value)) => Bound::Value(value),
            Some(BindingValue::List(items)) => Bound::List(items),
            None => Bound::Unbound,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use gantry_plan::Segment;

    use super::*;

    fn reference(stage: &str, key: &str) -> Segment {
        Segment::Binding(BindingRef {
            stage: stage.into(),
            key: key.into(),
            default: None,
        })
    }

    #[test]
    fn reads_own_ancestor_setup_and_environment_values() {
        let own = BTreeMap::from([("imageID".to_string(), BindingValue::Text("abc".into()))]);
        let tags = BTreeMap::from([(
            "imageTags".to_string(),
            BindingValue::List(vec!["1".into(), "latest".into()]),
        )]);
        let ancestors = AncestorExports::from_iter([(Arc::from("publish"), Arc::new(tags))]);
        let setup = BTreeMap::from([("project".to_string(), "mathoid".to_string())]);
        let environment = BTreeMap::from([("HOME".to_string(), "/root".to_string())]);
        let scope = StageScope {
            stage: "test",
            own: &own,
            ancestors: &ancestors,
            setup: &setup,
            environment: &environment,
        };
        let text = Text {
            segments: vec![
                reference("test", "imageID"),
                Segment::Literal(" ".into()),
                reference("publish", "imageTags"),
                Segment::Literal(" ".into()),
                reference("setup", "project"),
                Segment::Environment {
                    name: "HOME".into(),
                    source: "${HOME}".into(),
                },
            ],
        };
        assert_eq!(
            scope.render("run.arguments", &text).unwrap(),
            "abc [1, latest] mathoid/root"
        );
        let unbound = scope
            .render(
                "run.image",
                &Text {
                    segments: vec![reference("lint", "imageID")],
                },
            )
            .unwrap_err();
        assert_eq!(
            unbound.message,
            "run.image: no value bound for 'lint.imageID'"
        );
        let value = Value::Map(vec![(
            Text::literal("k"),
            Value::List(vec![Value::Bool(true), Value::Text(Text::literal("x"))]),
        )]);
        assert_eq!(
            scope.render_value("exports.v", &value).unwrap(),
            "[k:[true, x]]"
        );
        let overrides = Value::Map(vec![(
            Text::literal("main_app"),
            Value::Map(vec![
                (Text::literal("port"), Value::Number("8000".into())),
                (Text::literal("owner"), Value::Text(text.clone())),
                (Text::literal("ratio"), Value::Number("0x1F".into())),
            ]),
        )]);
        assert_eq!(
            scope.render_json("deploy.overrides", &overrides).unwrap(),
            serde_json::json!({"main_app": {"port": 8000, "owner": "abc [1, latest] mathoid/root", "ratio": "0x1F"}}),
            "numbers JSON can read stay numbers, others stay as written"
        );
    }
}
