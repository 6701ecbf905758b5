//! A free-form value PipelineLib interpolates as a whole structure: `exports` values,
//! `deploy.overrides`. Strings (map keys too) are [`Template`]s; booleans and numbers pass
//! through untouched, as in PipelineLib.
//!
//! This module must not interpolate: it only holds what was written.

use super::template::Template;
use crate::yaml::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateValue {
    Text(Template),
    Bool { value: bool, span: Span },
    /// A number, kept as written (YAML 1.1 reading: int or float).
    Number { text: String, span: Span },
    Null { span: Span },
    List { items: Vec<TemplateValue>, span: Span },
    Map { entries: Vec<(Template, TemplateValue)>, span: Span },
}

impl TemplateValue {
    pub fn span(&self) -> Span {
        match self {
            TemplateValue::Text(template) => template.span,
            TemplateValue::Bool { span, .. }
            | TemplateValue::Number { span, .. }
            | TemplateValue::Null { span }
            | TemplateValue::List { span, .. }
            | TemplateValue::Map { span, .. } => *span,
        }
    }

    /// Every template in the value, keys included, depth first.
    pub fn templates(&self) -> Vec<&Template> {
        let mut found = Vec::new();
        self.collect_templates(&mut found);
        found
    }

    fn collect_templates<'a>(&'a self, found: &mut Vec<&'a Template>) {
        match self {
            TemplateValue::Text(template) => found.push(template),
            TemplateValue::List { items, .. } => items.iter().for_each(|item| item.collect_templates(found)),
            TemplateValue::Map { entries, .. } => {
                for (key, value) in entries {
                    found.push(key);
                    value.collect_templates(found);
                }
            }
            TemplateValue::Bool { .. } | TemplateValue::Number { .. } | TemplateValue::Null { .. } => {}
        }
    }
}
