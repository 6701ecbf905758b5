//! A YAML document as a tree of spanned nodes, read the way Blubber and PipelineLib read it.
//!
//! Both formats are parsed by YAML 1.1 libraries upstream (Go's yaml.v2, SnakeYAML), so a
//! plain `yes` is a boolean and a plain `010` an octal number there. This module keeps every
//! scalar's text and style and answers "what would YAML 1.1 make of it" on request; it
//! resolves aliases and `<<` merge keys, and keeps the last of duplicate keys, as yaml.v2 does.
//!
//! Most files are plain block-style YAML; [`block_subset`] reads those directly (several
//! times faster than going through saphyr-parser's events) and declines everything else,
//! which [`parse_with_saphyr`] then reads. Both build the same tree with the same spans.
//!
//! It must not know any spec's fields or decide what a value means for a field: that is the
//! decoders' job (`blubber::decode`, `pipeline::decode`).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// A position in a source file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// The region of the source a node came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    fn from_parser(span: &saphyr_parser::Span) -> Self {
        let pos = |m: &saphyr_parser::Marker| Pos {
            line: m.line() as u32,
            column: m.col() as u32 + 1,
        };
        Span {
            start: pos(&span.start),
            end: pos(&span.end),
        }
    }

    /// The number of columns the span covers on its first line (at least 1).
    pub fn width_on_first_line(&self) -> u32 {
        if self.end.line == self.start.line && self.end.column > self.start.column {
            self.end.column - self.start.column
        } else {
            1
        }
    }
}

/// How a scalar was written. Only plain scalars are subject to YAML 1.1 type resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

/// A YAML node with the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    Scalar { text: String, style: Style },
}

/// What a YAML 1.1 reader (yaml.v2) makes of a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Null,
    Bool(bool),
    Int,
    Float,
    Str,
}

impl Reading {
    /// The noun used in messages: "a boolean", "a number".
    pub fn noun(self) -> &'static str {
        match self {
            Reading::Null => "null",
            Reading::Bool(_) => "a boolean",
            Reading::Int | Reading::Float => "a number",
            Reading::Str => "a string",
        }
    }
}

impl Node {
    /// The YAML 1.1 reading of this node if it is a scalar; `None` for maps and sequences.
    pub fn reading(&self) -> Option<Reading> {
        match &self.value {
            Value::Scalar { text, style: Style::Plain } => Some(read_plain_scalar(text)),
            Value::Scalar { .. } => Some(Reading::Str),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.reading() == Some(Reading::Null)
    }

    /// The scalar's text, whatever YAML 1.1 would make of it.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A short description of the node's kind for "expected X, found Y" messages.
    pub fn kind_description(&self) -> String {
        match (&self.value, self.reading()) {
            (Value::Map(_), _) => "a mapping".into(),
            (Value::Seq(_), _) => "a list".into(),
            (Value::Scalar { text, .. }, Some(Reading::Str)) => format!("the string {text:?}"),
            (_, Some(Reading::Null)) => "nothing (null)".into(),
            (Value::Scalar { text, .. }, Some(reading)) => format!("{} ({text})", reading.noun()),
            (Value::Scalar { .. }, None) => unreachable!("scalars always have a reading"),
        }
    }

    /// Looks up a key in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.scalar_text() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Resolves a plain scalar the way yaml.v2 does (YAML 1.1 types).
pub fn read_plain_scalar(text: &str) -> Reading {
    // Every YAML 1.1 null, boolean and number starts with one of these (or is empty).
    if let Some(&first) = text.as_bytes().first()
        && !matches!(first, b'~' | b'n' | b'N' | b'y' | b'Y' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'.' | b'+' | b'-' | b'0'..=b'9')
    {
        return Reading::Str;
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Reading::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Reading::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Reading::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Reading::Float,
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c == '_' || c.is_digit(radix));
    if let Some(bin) = unsigned.strip_prefix("0b")
        && digits(bin, 2) {
            return Reading::Int;
        }
    if let Some(hex) = unsigned.strip_prefix("0x")
        && digits(hex, 16) {
            return Reading::Int;
        }
    if unsigned.starts_with(|c: char| c.is_ascii_digit()) && digits(unsigned, 10) {
        return Reading::Int;
    }
    // Sexagesimal integers (190:20:30) are YAML 1.1 too.
    if unsigned.contains(':')
        && unsigned.starts_with(|c: char| c.is_ascii_digit())
        && unsigned.split(':').all(|part| digits(part, 10))
    {
        return Reading::Int;
    }
    if is_yaml11_float(unsigned) {
        return Reading::Float;
    }
    Reading::Str
}

fn is_yaml11_float(s: &str) -> bool {
    // [0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let Some((int, frac)) = mantissa.split_once('.') else {
        return false;
    };
    let ok_int = int.is_empty()
        || (int.starts_with(|c: char| c.is_ascii_digit()) && int.chars().all(|c| c.is_ascii_digit() || c == '_'));
    let ok_frac = frac.chars().all(|c| c.is_ascii_digit() || c == '_');
    let ok_exp = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    };
    ok_int && ok_frac && ok_exp && !(int.is_empty() && frac.is_empty())
}

/// A YAML syntax error with the position the parser stopped at.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
}

pub mod block_subset;

/// Parses the first document of `text` into a node tree. An empty document is a null scalar.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    match block_subset::parse(text) {
        Some(root) => Ok(root),
        None => parse_with_saphyr(text),
    }
}

/// [`parse`] through saphyr-parser's events alone, for any YAML (and every syntax error).
pub fn parse_with_saphyr(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = TreeBuilder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            message: e.info().to_string(),
            pos: Pos {
                line: e.marker().line() as u32,
                column: e.marker().col() as u32 + 1,
            },
        })?;
        if let Some(root) = builder.push(event, Span::from_parser(&span))? {
            return Ok(root);
        }
    }
    Ok(builder.finish())
}

enum Open {
    Map { entries: Vec<(Node, Node)>, pending_key: Option<Node>, anchor: usize, span: Span },
    Seq { items: Vec<Node>, anchor: usize, span: Span },
}

#[derive(Default)]
struct TreeBuilder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
}

impl TreeBuilder {
    /// Feeds one event; returns the root once the first document is complete.
    fn push(&mut self, event: Event<'_>, span: Span) -> Result<Option<Node>, SyntaxError> {
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                    _ => Style::Block,
                };
                let node = Node { value: Value::Scalar { text: text.into_owned(), style }, span };
                self.remember(anchor, &node);
                self.attach(node)?;
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| SyntaxError {
                    message: "alias refers to an unknown anchor".into(),
                    pos: span.start,
                })?;
                // The alias is reported where it is used, not where the anchor was defined.
                let node = Node { span, ..node };
                self.attach(node)?;
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map { entries: Vec::new(), pending_key: None, anchor, span })
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Open::Seq { items: Vec::new(), anchor, span })
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Map { entries, anchor, span: start, .. }) => {
                        let node = Node { value: Value::Map(entries), span: Span { start: start.start, end: span.end } };
                        self.remember(anchor, &node);
                        node
                    }
                    Some(Open::Seq { items, anchor, span: start }) => {
                        let node = Node { value: Value::Seq(items), span: Span { start: start.start, end: span.end } };
                        self.remember(anchor, &node);
                        node
                    }
                    None => return Ok(None),
                };
                self.attach(node)?;
            }
            Event::DocumentEnd => return Ok(self.root.take().or_else(|| Some(self.null_root()))),
            _ => {}
        }
        Ok(None)
    }

    fn finish(&mut self) -> Node {
        self.root.take().unwrap_or_else(|| self.null_root())
    }

    fn null_root(&self) -> Node {
        Node {
            value: Value::Scalar { text: String::new(), style: Style::Plain },
            span: Span { start: Pos { line: 1, column: 1 }, end: Pos { line: 1, column: 1 } },
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn attach(&mut self, node: Node) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, pending_key, .. }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => insert_entry(entries, key, node)?,
            },
        }
        Ok(())
    }
}

/// Adds `key: value` to a mapping with yaml.v2's rules: a later duplicate key replaces the
/// earlier one, and `<<` merges the entries of a mapping (or list of mappings) that are not
/// already present.
fn insert_entry(entries: &mut Vec<(Node, Node)>, key: Node, value: Node) -> Result<(), SyntaxError> {
    if key.scalar_text() == Some("<<") && matches!(key.value, Value::Scalar { style: Style::Plain, .. }) {
        let sources = match value.value {
            Value::Map(_) => vec![value],
            Value::Seq(items) => items,
            _ => {
                return Err(SyntaxError {
                    message: "map merge requires a mapping or a list of mappings".into(),
                    pos: value.span.start,
                });
            }
        };
        for source in sources {
            let Value::Map(source_entries) = source.value else {
                return Err(SyntaxError {
                    message: "map merge requires a mapping or a list of mappings".into(),
                    pos: source.span.start,
                });
            };
            for (k, v) in source_entries {
                if !entries.iter().any(|(existing, _)| existing.value == k.value) {
                    entries.push((k, v));
                }
            }
        }
        return Ok(());
    }
    if let Some(slot) = entries.iter_mut().find(|(existing, _)| existing.value == key.value) {
        *slot = (key, value);
    } else {
        entries.push((key, value));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_readings() {
        for (text, reading) in [
            ("yes", Reading::Bool(true)),
            ("On", Reading::Bool(true)),
            ("n", Reading::Bool(false)),
            ("~", Reading::Null),
            ("", Reading::Null),
            ("12", Reading::Int),
            ("0x1F", Reading::Int),
            ("1:20", Reading::Int),
            ("1.5", Reading::Float),
            ("1.", Reading::Float),
            (".inf", Reading::Float),
            ("v4", Reading::Str),
            ("1.2.3", Reading::Str),
            ("python3", Reading::Str),
            ("3.9", Reading::Float),
            ("-", Reading::Str),
            (".", Reading::Str),
            ("Off", Reading::Bool(false)),
            ("True", Reading::Bool(true)),
            ("NULL", Reading::Null),
            ("+1", Reading::Int),
            ("-.5", Reading::Float),
            ("x1", Reading::Str),
            ("Yesterday", Reading::Str),
        ] {
            assert_eq!(read_plain_scalar(text), reading, "{text:?}");
        }
    }

    #[test]
    fn spans_aliases_merges_and_duplicates() {
        let doc = "base: &b debian\nx: *b\nm: &m {a: 1}\nn:\n  <<: *m\n  c: 2\nbase: again\n";
        let root = parse(doc).unwrap();
        assert_eq!(root.get("base").unwrap().scalar_text(), Some("again"));
        assert_eq!(root.get("base").unwrap().span.start, Pos { line: 7, column: 7 });
        assert_eq!(root.get("x").unwrap().scalar_text(), Some("debian"));
        assert_eq!(root.get("x").unwrap().span.start, Pos { line: 2, column: 4 });
        let n = root.get("n").unwrap();
        assert_eq!(n.get("a").unwrap().scalar_text(), Some("1"));
        assert_eq!(n.get("c").unwrap().scalar_text(), Some("2"));
    }

    #[test]
    fn quoted_scalars_are_strings() {
        let root = parse("a: 'yes'\nb: yes\n").unwrap();
        assert_eq!(root.get("a").unwrap().reading(), Some(Reading::Str));
        assert_eq!(root.get("b").unwrap().reading(), Some(Reading::Bool(true)));
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("a: b: c\n").unwrap_err();
        assert_eq!(err.pos.line, 1);
        assert!(err.message.contains("mapping values are not allowed"), "{}", err.message);
    }

    #[test]
    fn empty_document_is_null() {
        assert!(parse("").unwrap().is_null());
        assert!(parse("# only a comment\n").unwrap().is_null());
    }
}
