//! A string field of `config.yaml` that PipelineLib interpolates: its text, where it was
//! written, and the `${...}` expressions in it, lexed with PipelineLib's rules.
//!
//! The lexer follows `Lexer.groovy`: an expression starts at `${` and ends at the first `}`;
//! its name is a run of `[A-Za-z0-9._-]`, optionally followed by `|default`. Anything else
//! is an "invalid variable expression", with PipelineLib's reasons. There is no escape.
//!
//! This module must not resolve variables: which names are bound, and by whom, is decided
//! by the planner, which knows the execution graph.

use crate::yaml::{Pos, Span, Style, Value};

/// An interpolated string as written in `config.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The text exactly as written.
    pub text: String,
    /// Where the text was written.
    pub span: Span,
    /// The text split into literal runs and expressions, in order.
    pub parts: Vec<TemplatePart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Literal(String),
    /// `${ns.key}`, `${.key}` or `${ns.key|default}`: a value bound by a stage.
    Variable(Variable),
    /// `${NAME}` without a dot: PipelineLib leaves it untouched, for the shell (T291554).
    Environment { name: String, source: String },
}

/// A dotted `${...}` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The text before the first dot: a stage name, `setup`, or empty for the own stage.
    pub namespace: String,
    /// The text after the first dot (`params.FOO` stays whole).
    pub key: String,
    /// The text after `|`, if any.
    pub default: Option<String>,
    /// The whole expression, `${...}` included.
    pub source: String,
    /// Where the expression was written (the whole scalar when the position is uncertain).
    pub span: Span,
}

impl Variable {
    pub fn is_own_stage(&self) -> bool {
        self.namespace.is_empty()
    }
}

/// Why an expression is invalid, with PipelineLib's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidExpression {
    pub message: String,
    pub span: Span,
}

const VAR_START: &str = "${";
const VAR_END: char = '}';
const VAR_DEFAULT: char = '|';

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

impl Template {
    /// Lexes `text`, written at `span`. `columns` maps a character offset in `text` to its
    /// position in the file when that is certain.
    pub fn lex(text: &str, span: Span, columns: ColumnMap) -> Result<Template, InvalidExpression> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0usize;
        while let Some(start) = rest.find(VAR_START) {
            if start > 0 {
                parts.push(TemplatePart::Literal(rest[..start].to_string()));
            }
            let expression_offset = offset + rest[..start].chars().count();
            let candidate = &rest[start..];
            let Some(end) = candidate.find(VAR_END) else {
                return Err(invalid("missing the end delimiter }", candidate, columns.span(expression_offset, candidate, span)));
            };
            let source = &candidate[..=end];
            let expression_span = columns.span(expression_offset, source, span);
            parts.push(lex_expression(source, expression_span)?);
            offset = expression_offset + source.chars().count();
            rest = &candidate[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Literal(rest.to_string()));
        }
        Ok(Template { text: text.to_string(), span, parts })
    }

    /// A template the planner writes in place of a missing field (PipelineLib's defaults,
    /// such as `${.imageID}`), reported at `span`. Invalid expressions stay literal text.
    pub fn synthesized(text: &str, span: Span) -> Template {
        Template::lex(text, span, ColumnMap::Unknown).unwrap_or_else(|_| Template {
            text: text.to_string(),
            span,
            parts: vec![TemplatePart::Literal(text.to_string())],
        })
    }

    /// The dotted variables in the template, in order.
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Variable(variable) => Some(variable),
            _ => None,
        })
    }

    /// Whether the text has no expression at all.
    pub fn is_plain(&self) -> bool {
        self.parts.iter().all(|part| matches!(part, TemplatePart::Literal(_)))
    }
}

/// `source` is `${...}` with its closing brace.
fn lex_expression(source: &str, span: Span) -> Result<TemplatePart, InvalidExpression> {
    let body = &source[VAR_START.len()..source.len() - 1];
    let name_len: usize = body.chars().take_while(|c| is_name_char(*c)).map(char::len_utf8).sum();
    let name = &body[..name_len];
    if name.is_empty() {
        return Err(invalid("name is missing", source, span));
    }
    let remainder = &body[name_len..];
    let default = match remainder.strip_prefix(VAR_DEFAULT) {
        Some(default) => Some(default.to_string()),
        None if remainder.is_empty() => None,
        None => return Err(invalid("invalid character following name", source, span)),
    };
    let Some((namespace, key)) = name.split_once('.') else {
        return Ok(TemplatePart::Environment { name: name.to_string(), source: source.to_string() });
    };
    Ok(TemplatePart::Variable(Variable {
        namespace: namespace.to_string(),
        key: key.to_string(),
        default,
        source: source.to_string(),
        span,
    }))
}

fn invalid(reason: &str, source: &str, span: Span) -> InvalidExpression {
    InvalidExpression { message: format!("invalid variable expression ({reason}): {source}"), span }
}

/// How character offsets inside a scalar map to file columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnMap {
    /// The scalar's text starts at this position and runs on one line without escapes.
    Exact(Pos),
    /// Positions inside the scalar are not certain; use the scalar's span.
    Unknown,
}

impl ColumnMap {
    /// Works out where the characters of a scalar node are, when that is certain: a plain or
    /// quoted scalar on one line whose width matches its text (so it has no escapes).
    pub fn of_scalar(value: &Value, span: Span) -> ColumnMap {
        let Value::Scalar { text, style } = value else {
            return ColumnMap::Unknown;
        };
        if span.start.line != span.end.line {
            return ColumnMap::Unknown;
        }
        let width = span.end.column.saturating_sub(span.start.column) as usize;
        let chars = text.chars().count();
        match style {
            Style::Plain if width == chars => ColumnMap::Exact(span.start),
            Style::Quoted if width == chars + 2 => {
                ColumnMap::Exact(Pos { line: span.start.line, column: span.start.column + 1 })
            }
            _ => ColumnMap::Unknown,
        }
    }

    fn span(self, char_offset: usize, source: &str, whole: Span) -> Span {
        match self {
            ColumnMap::Exact(start) => {
                let column = start.column.saturating_add(u32::try_from(char_offset).unwrap_or(u32::MAX));
                Span {
                    start: Pos { line: start.line, column },
                    end: Pos { line: start.line, column: column.saturating_add(u32::try_from(source.chars().count()).unwrap_or(u32::MAX)) },
                }
            }
            ColumnMap::Unknown => whole,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(text: &str) -> Result<Template, InvalidExpression> {
        let start = Pos { line: 1, column: 10 };
        let span = Span { start, end: Pos { line: 1, column: 10 + text.chars().count() as u32 } };
        Template::lex(text, span, ColumnMap::Exact(start))
    }

    #[test]
    fn splits_literals_variables_and_environment_names() {
        let template = lex("a-${setup.timestamp}-${.stage|x} ${ZUUL_BRANCH} $HOME").unwrap();
        assert_eq!(template.parts.len(), 7);
        let variables: Vec<_> = template.variables().collect();
        assert_eq!(variables[0].namespace, "setup");
        assert_eq!(variables[0].key, "timestamp");
        assert_eq!(variables[0].span.start.column, 12);
        assert!(variables[1].is_own_stage());
        assert_eq!(variables[1].default.as_deref(), Some("x"));
        assert!(matches!(&template.parts[5], TemplatePart::Environment { name, .. } if name == "ZUUL_BRANCH"));
    }

    #[test]
    fn key_keeps_everything_after_the_first_dot() {
        let template = lex("${setup.params.FOO}").unwrap();
        let variable = template.variables().next().unwrap();
        assert_eq!((variable.namespace.as_str(), variable.key.as_str()), ("setup", "params.FOO"));
    }

    #[test]
    fn invalid_expressions_use_pipelinelib_reasons() {
        assert_eq!(lex("x ${a.b").unwrap_err().message, "invalid variable expression (missing the end delimiter }): ${a.b");
        assert_eq!(lex("${}").unwrap_err().message, "invalid variable expression (name is missing): ${}");
        assert_eq!(
            lex("${A:-b}").unwrap_err().message,
            "invalid variable expression (invalid character following name): ${A:-b}"
        );
        assert_eq!(lex("ab${}").unwrap_err().span.start.column, 12);
    }

    #[test]
    fn default_may_contain_anything_but_a_closing_brace() {
        let template = lex("${a.b|c d ${e}").unwrap();
        assert_eq!(template.variables().next().unwrap().default.as_deref(), Some("c d ${e"));
        assert!(lex("no expressions here").unwrap().is_plain());
    }
}
