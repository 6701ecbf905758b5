//! [`ValuesFile`]: a Helm values file edited in place — one key set or removed by a targeted
//! line edit, so comments, quoting, order and blank lines of everything else stay as the
//! authors wrote them (what `update_version.py`'s ruamel round-trip aims for).
//!
//! Positions come from `gantry_spec::yaml`'s spanned tree. Must not re-serialise the file;
//! an edit it cannot make surgically (a flow-style mapping, a block scalar) is an error that
//! says so, never a rewrite.

use gantry_spec::yaml::{self, Node, Reading, Style, Value};

use super::{PromoteError, ValuesKey};

/// The text of one values file and the name it is reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesFile {
    name: String,
    text: String,
}

/// Where a key path stops in the tree.
enum Found<'a> {
    /// The whole path exists; this is its value.
    Value(&'a Node),
    /// `parts[..depth]` leads to this mapping, which lacks `parts[depth]`.
    MissingIn { map: &'a Node, depth: usize },
    /// `parts[..depth]` holds something that is not a mapping.
    NotAMap { depth: usize },
}

impl ValuesFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self { name: name.into(), text: text.into() }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the file holds no values (nothing, or only comments).
    pub fn is_empty(&self) -> Result<bool, PromoteError> {
        let root = self.parse()?;
        Ok(root.is_null() || matches!(&root.value, Value::Map(entries) if entries.is_empty()))
    }

    /// Sets `key` to the string `value`; returns whether the text changed. An existing
    /// value keeps its quoting style; missing mappings are added in block style.
    pub fn set(&mut self, key: &ValuesKey, value: &str) -> Result<bool, PromoteError> {
        let root = self.parse()?;
        let parts = key.parts();
        let edited = match find(&root, parts) {
            Found::Value(node) => self.replace_scalar(key, node, value)?,
            Found::MissingIn { map, depth } => self.insert(key, &root, map, depth, value)?,
            Found::NotAMap { depth } => return Err(self.error(format!("{} is not a mapping", parts[..depth].join(".")))),
        };
        let changed = edited != self.text;
        self.text = edited;
        Ok(changed)
    }

    /// Removes `key`, and the mappings above it that it leaves empty; returns whether it was
    /// there.
    pub fn remove(&mut self, key: &ValuesKey) -> Result<bool, PromoteError> {
        let parts = key.parts();
        if !self.remove_entry(parts)? {
            return Ok(false);
        }
        for depth in (1..parts.len()).rev() {
            let root = self.parse()?;
            let emptied = match find(&root, &parts[..depth]) {
                Found::Value(node) => node.is_null() || matches!(&node.value, Value::Map(e) if e.is_empty()),
                _ => false,
            };
            if !emptied || !self.remove_entry(&parts[..depth])? {
                break;
            }
        }
        Ok(true)
    }

    fn parse(&self) -> Result<Node, PromoteError> {
        yaml::parse(&self.text).map_err(|error| self.error(format!("not valid YAML: {error:?}")))
    }

    fn error(&self, message: impl Into<String>) -> PromoteError {
        PromoteError::Values { file: self.name.clone(), message: message.into() }
    }

    fn replace_scalar(&self, key: &ValuesKey, node: &Node, value: &str) -> Result<String, PromoteError> {
        let multi_line = node.span.start.line != node.span.end.line;
        match &node.value {
            Value::Scalar { style: Style::Block, .. } => {}
            Value::Scalar { text, .. } if text == value && !multi_line => return Ok(self.text.clone()),
            Value::Scalar { .. } if !multi_line => {
                let start = byte_offset(&self.text, node.span.start.line, node.span.start.column);
                let end = byte_offset(&self.text, node.span.end.line, node.span.end.column);
                let quote = self.text[start..].chars().next().filter(|c| matches!(c, '\'' | '"'));
                let is_empty_plain = start == end;
                let written = scalar(value, quote.filter(|_| !is_empty_plain));
                let spacer = if is_empty_plain && !self.text[..start].ends_with(' ') { " " } else { "" };
                return Ok(format!("{}{spacer}{written}{}", &self.text[..start], &self.text[end..]));
            }
            _ => {}
        }
        Err(self.error(format!(
            "{key} at line {} is {}; gantry only replaces a one-line scalar",
            node.span.start.line,
            node.kind_description()
        )))
    }

    /// Adds `parts[depth..]` with `value` to `map` (a block mapping, or the empty root).
    fn insert(&self, key: &ValuesKey, root: &Node, map: &Node, depth: usize, value: &str) -> Result<String, PromoteError> {
        let parts = &key.parts()[depth..];
        let at_root = std::ptr::eq(map, root);
        let (indent, after_line) = match &map.value {
            Value::Map(entries) if !entries.is_empty() => {
                let first_key = &entries[0].0;
                let line = line_text(&self.text, first_key.span.start.line);
                let indent = first_key.span.start.column as usize - 1;
                if !line.chars().take(indent).all(|c| c == ' ') {
                    return Err(self.error(format!(
                        "the mapping at line {} is written in flow style ({{...}}); write it in block style so gantry can add {key}",
                        map.span.start.line
                    )));
                }
                (indent, Some(last_line(map)))
            }
            _ if at_root => (0, None),
            _ => return Err(self.error(format!("{} is empty; gantry cannot add {key} to it", key.parts()[..depth].join(".")))),
        };
        let mut lines = String::new();
        for (level, part) in parts.iter().enumerate() {
            let pad = " ".repeat(indent + 2 * level);
            match level + 1 == parts.len() {
                true => lines.push_str(&format!("{pad}{part}: {}\n", scalar(value, None))),
                false => lines.push_str(&format!("{pad}{part}:\n")),
            }
        }
        let mut text = self.text.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        let at = after_line.map_or(text.len(), |line| byte_offset(&text, line + 1, 1));
        text.insert_str(at, &lines);
        Ok(text)
    }

    /// Deletes the lines of the last entry `parts` names; false when it is not there.
    fn remove_entry(&mut self, parts: &[String]) -> Result<bool, PromoteError> {
        let root = self.parse()?;
        let (last, parent) = match parts.split_last() {
            Some(split) => split,
            None => return Ok(false),
        };
        let Found::Value(map) = find(&root, parent) else { return Ok(false) };
        let Value::Map(entries) = &map.value else { return Ok(false) };
        let Some((key, value)) = entries.iter().rev().find(|(k, _)| k.scalar_text() == Some(last)) else {
            return Ok(false);
        };
        let first = key.span.start.line;
        let indent = key.span.start.column as usize - 1;
        if !line_text(&self.text, first).chars().take(indent).all(|c| c == ' ') {
            return Err(self.error(format!("{} at line {first} is inside a flow-style mapping; remove it by hand", parts.join("."))));
        }
        let end = last_line(value).max(first);
        let (start, stop) = (byte_offset(&self.text, first, 1), byte_offset(&self.text, end + 1, 1));
        self.text.replace_range(start..stop, "");
        Ok(true)
    }
}

fn find<'a>(root: &'a Node, parts: &[String]) -> Found<'a> {
    let mut node = root;
    for (depth, part) in parts.iter().enumerate() {
        match &node.value {
            Value::Map(_) => match node.get(part) {
                Some(child) => node = child,
                None => return Found::MissingIn { map: node, depth },
            },
            _ if depth == 0 && node.is_null() => return Found::MissingIn { map: node, depth },
            _ => return Found::NotAMap { depth },
        }
    }
    Found::Value(node)
}

/// The last line holding any part of `node`.
fn last_line(node: &Node) -> u32 {
    match &node.value {
        // A block scalar's span ends where the next token starts.
        Value::Scalar { style: Style::Block, .. } => node.span.end.line.saturating_sub(1).max(node.span.start.line),
        Value::Scalar { .. } => node.span.end.line,
        Value::Seq(items) => items.iter().map(last_line).max().unwrap_or(node.span.end.line),
        Value::Map(entries) => {
            entries.iter().map(|(k, v)| last_line(k).max(last_line(v))).max().unwrap_or(node.span.end.line)
        }
    }
}

/// The byte offset of a 1-based line and character column; past the end: the text's length.
fn byte_offset(text: &str, line: u32, column: u32) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text[offset..].find('\n') {
            Some(newline) => offset += newline + 1,
            None => return text.len(),
        }
    }
    let rest = &text[offset..];
    offset + rest.char_indices().nth(column as usize - 1).map_or(rest.len(), |(i, _)| i)
}

fn line_text(text: &str, line: u32) -> &str {
    let start = byte_offset(text, line, 1);
    text[start..].lines().next().unwrap_or("")
}

/// `value` as a YAML string: in the old value's quotes, plain when YAML reads it back as the
/// same string, else single-quoted.
fn scalar(value: &str, quote: Option<char>) -> String {
    let single = || format!("'{}'", value.replace('\'', "''"));
    match quote {
        Some('\'') => single(),
        Some(_) => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        None if plain_is_safe(value) => value.to_owned(),
        None => single(),
    }
}

fn plain_is_safe(value: &str) -> bool {
    let indicator = |c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c);
    !value.is_empty()
        && yaml::read_plain_scalar(value) == Reading::Str
        && !value.starts_with(indicator)
        && !value.ends_with([' ', ':'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.contains(['\n', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, key: &str, value: &str) -> String {
        let mut file = ValuesFile::new("values.yaml", text);
        file.set(&ValuesKey::parse(key).unwrap(), value).unwrap();
        file.text().to_owned()
    }

    fn remove(text: &str, key: &str) -> (bool, String) {
        let mut file = ValuesFile::new("values.yaml", text);
        let removed = file.remove(&ValuesKey::parse(key).unwrap()).unwrap();
        (removed, file.text().to_owned())
    }

    const CHART_VALUES: &str = "\
# mathoid in production
docker:
  registry: docker-registry.wikimedia.org # the public one
main_app:
  image: wikimedia/mathoid
  version: 2024-01-02-000000-production  # bumped by the bot

  limits:
    cpu: 1
service:
  port: 8080
";

    #[test]
    fn replaces_only_the_scalar_keeping_comments_and_layout() {
        let edited = set(CHART_VALUES, "main_app.version", "2026-05-12-175031-production");
        assert_eq!(edited, CHART_VALUES.replace("2024-01-02-000000-production", "2026-05-12-175031-production"));
    }

    #[test]
    fn keeps_the_quotes_the_value_had() {
        assert_eq!(set("main_app:\n  version: 'old'\n", "main_app.version", "it's"), "main_app:\n  version: 'it''s'\n");
        assert_eq!(set("main_app:\n  version: \"old\"\n", "main_app.version", "v2"), "main_app:\n  version: \"v2\"\n");
        assert_eq!(set("main_app: {version: old}\n", "main_app.version", "new"), "main_app: {version: new}\n");
    }

    #[test]
    fn quotes_what_yaml_would_not_read_back_as_the_same_string() {
        for (value, written) in [("1.10", "'1.10'"), ("yes", "'yes'"), ("010", "'010'"), ("a: b", "'a: b'"), ("", "''")] {
            assert_eq!(set("a: x\n", "a", value), format!("a: {written}\n"), "{value:?}");
        }
    }

    #[test]
    fn adds_a_missing_key_after_the_last_line_of_its_mapping() {
        let text = "main_app:\n  image: x\n  limits:\n    cpu: 1\n\n# next\nservice: {}\n";
        let expected = "main_app:\n  image: x\n  limits:\n    cpu: 1\n  version: v1\n\n# next\nservice: {}\n";
        assert_eq!(set(text, "main_app.version", "v1"), expected);
        let block = "main_app:\n  notes: |\n    line\n  image: x\nother: 1\n";
        assert_eq!(set(block, "main_app.version", "v1"), "main_app:\n  notes: |\n    line\n  image: x\n  version: v1\nother: 1\n");
    }

    #[test]
    fn adds_missing_mappings_at_the_end_of_the_file() {
        assert_eq!(set("", "main_app.version", "v1"), "main_app:\n  version: v1\n");
        assert_eq!(set("# only a comment", "main_app.version", "v1"), "# only a comment\nmain_app:\n  version: v1\n");
        assert_eq!(set("docker:\n  registry: r\n", "main_app.version", "v1"), "docker:\n  registry: r\nmain_app:\n  version: v1\n");
    }

    #[test]
    fn setting_the_same_value_changes_nothing() {
        let mut file = ValuesFile::new("v", CHART_VALUES);
        assert!(!file.set(&ValuesKey::main_app_version(), "2024-01-02-000000-production").unwrap());
    }

    #[test]
    fn refuses_edits_it_cannot_make_surgically() {
        for text in ["main_app: {image: x}\n", "main_app: [a]\n", "main_app:\n  version:\n    nested: 1\n"] {
            let mut file = ValuesFile::new("values.yaml", text);
            let error = file.set(&ValuesKey::main_app_version(), "v1").unwrap_err();
            assert!(error.to_string().starts_with("values.yaml: "), "{error}");
        }
    }

    #[test]
    fn removes_the_key_and_the_mappings_it_empties() {
        let (removed, text) = remove("# eqiad\nmain_app:\n  version: v1 # pinned\nresources: {}\n", "main_app.version");
        assert_eq!((removed, text.as_str()), (true, "# eqiad\nresources: {}\n"));
        let (_, text) = remove("main_app:\n  image: x\n  version: v1\n", "main_app.version");
        assert_eq!(text, "main_app:\n  image: x\n");
        assert_eq!(remove("a: 1\n", "main_app.version"), (false, "a: 1\n".to_owned()));
    }

    #[test]
    fn a_file_of_comments_is_empty() {
        let (_, text) = remove("# staging\nmain_app:\n  version: v1\n", "main_app.version");
        assert!(ValuesFile::new("v", text).is_empty().unwrap());
        assert!(!ValuesFile::new("v", "a: 1\n").is_empty().unwrap());
    }
}
