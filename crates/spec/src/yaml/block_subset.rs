//! A fast reader for the plain block-style YAML that real Blubber files are written in.
//!
//! It reads block mappings and sequences (including sequences written at their key's
//! indentation), one-line plain, single- and double-quoted scalars, simple literal and folded
//! block scalars (`|`, `|-`, `>`, `>-`), flow sequences and mappings written on one line,
//! comments and a leading `---`, and builds exactly the tree — values, styles and spans — that
//! [`super::parse_with_saphyr`] builds from saphyr-parser's events. The spans follow saphyr's
//! markers: a block mapping starts at its first key, a block sequence at its first `-` (at
//! its first entry's content when written at its key's indentation), an empty value sits on
//! its `:`, quoted scalars and closing brackets take in the spaces and comment after them,
//! and a block collection ends where the next token starts (at the end of the stream, where
//! saphyr unrolls its indentation).
//!
//! It must not decide anything it is not certain of: anchors, aliases, tags, merge keys,
//! multi-line plain, quoted and flow values, block scalars with more-indented or
//! space-only lines or indicators beyond `-`, escapes other than the common ones, other
//! document markers, directives, tabs, carriage returns, control characters, non-ASCII text
//! outside comments and block scalars, unusual indentation and every syntax error make it
//! decline (`None`), and the caller reads the text with saphyr instead, so users see the same
//! trees and the same error messages. The differential test
//! `crates/spec/tests/yaml_block_subset.rs` holds it to that.

use super::{Node, Pos, Span, Style, Value, insert_entry};

/// Reads `text` if it is entirely within the subset; `None` means "use the full parser".
pub fn parse(text: &str) -> Option<Node> {
    if has_control_characters(text) || (!text.is_ascii() && text.contains('\u{FEFF}')) {
        return None;
    }
    let lines = lines_of(text);
    let mut reader = Reader { lines: &lines, line: 0, eof: eof_marker(&lines) };
    reader.skip_to_content();
    // One `---` line may start the document; other document markers and directives are
    // left to saphyr.
    if reader.current() == Some("---") {
        reader.line += 1;
        reader.skip_to_content();
    }
    let marker = |line: &&str| line.starts_with("---") || line.starts_with("...") || line.starts_with('%');
    if lines[reader.line.min(lines.len())..].iter().any(marker) {
        return None;
    }
    let first = reader.current()?;
    if indentation(first) != 0 {
        return None;
    }
    let root = reader.block_mapping(0)?;
    // The root mapping only ends at the end of the stream.
    reader.current().is_none().then_some(root)
}

/// The text split at each `\n` (the last line is empty when the text ends with one).
fn lines_of(text: &str) -> Vec<&str> {
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        if b == b'\n' {
            lines.push(&text[start..at]);
            start = at + 1;
        }
    }
    lines.push(&text[start..]);
    lines
}

/// Tabs, carriage returns and other control characters are left to saphyr.
fn has_control_characters(text: &str) -> bool {
    // Branch-free over fixed-size chunks, which the compiler vectorises.
    let is_control = |b: u8| ((b < 0x20) & (b != b'\n')) | (b == 0x7F);
    text.as_bytes().chunks(64).any(|chunk| chunk.iter().fold(false, |found, &b| found | is_control(b)))
}

/// Where saphyr's marker stands at the end of the stream: the line after the last line
/// break, and the characters after it.
struct EofMarker {
    line: u32,
    column: u32,
}

fn eof_marker(lines: &[&str]) -> EofMarker {
    let last = lines.last().copied().unwrap_or("");
    EofMarker { line: lines.len() as u32, column: last.chars().count() as u32 }
}

fn indentation(line: &str) -> usize {
    line.bytes().take_while(|&b| b == b' ').count()
}

/// A line with only spaces and perhaps a comment carries no token.
fn is_blank_or_comment(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    rest.is_empty() || rest.starts_with('#')
}

struct Reader<'l, 't> {
    lines: &'l [&'t str],
    /// The line being read; after a value, the next line with content (or `lines.len()`).
    line: usize,
    eof: EofMarker,
}

/// A scalar read from one line: its text and style, the byte column after it, and the
/// (character) column its span ends at.
struct Scalar {
    text: String,
    style: Style,
    start: usize,
    end: usize,
    span_end: usize,
}

impl<'t> Reader<'_, 't> {
    fn current(&self) -> Option<&'t str> {
        self.lines.get(self.line).copied()
    }

    fn skip_to_content(&mut self) {
        while self.line < self.lines.len() && is_blank_or_comment(self.lines[self.line]) {
            self.line += 1;
        }
    }

    fn pos(&self, line: usize, column: usize) -> Pos {
        Pos { line: line as u32 + 1, column: column as u32 + 1 }
    }

    /// Where saphyr ends a block collection of indentation `indent` that is followed by the
    /// current line: the first token of that line, or the end of the stream.
    fn block_end(&self, indent: usize) -> Pos {
        match self.current() {
            Some(line) => self.pos(self.line, indentation(line)),
            None if self.eof.column == 0 => Pos { line: self.eof.line, column: 1 },
            // At the end of a last line without a line break, saphyr first closes the blocks
            // indented deeper than the marker's column, then moves to the next line.
            None if indent as u32 > self.eof.column => Pos { line: self.eof.line, column: self.eof.column + 1 },
            None => Pos { line: self.eof.line + 1, column: 1 },
        }
    }

    /// A block mapping whose first key starts at `column` of the current line; its other keys
    /// start lines indented by exactly `column`.
    fn block_mapping(&mut self, column: usize) -> Option<Node> {
        let start = self.pos(self.line, column);
        let mut entries: Vec<(Node, Node)> = Vec::new();
        loop {
            let line = self.current()?;
            let (key, colon) = key_at(line, column)?;
            if key.style == Style::Plain && key.text == "<<" {
                return None; // merge keys come with aliases; saphyr's path handles them
            }
            let key_node = self.scalar_node(self.line, key);
            let after_colon = skip_spaces(line, colon + 1);
            let value = if ends_line(line, after_colon) {
                self.value_below(column, self.line, colon)?
            } else if matches!(line.as_bytes()[after_colon], b'|' | b'>') {
                self.block_scalar(after_colon, column)?
            } else {
                let value = self.inline_value(line, after_colon)?;
                self.finish_inline_line(column)?;
                value
            };
            insert_entry(&mut entries, key_node, value).ok()?;
            match self.current() {
                None => break,
                Some(next) => {
                    let indent = indentation(next);
                    if indent < column {
                        break;
                    }
                    if indent > column {
                        return None;
                    }
                }
            }
        }
        let end = self.block_end(column);
        Some(Node { value: Value::Map(entries), span: Span { start, end } })
    }

    /// The value of a key whose line ends after the `:` (at `colon` of line `key_line`), in a
    /// mapping indented by `indent`: a block collection on the following lines, or null.
    fn value_below(&mut self, indent: usize, key_line: usize, colon: usize) -> Option<Node> {
        self.line = key_line + 1;
        self.skip_to_content();
        let null = || {
            let at = Pos { line: key_line as u32 + 1, column: colon as u32 + 1 };
            Node { value: Value::Scalar { text: String::new(), style: Style::Plain }, span: Span { start: at, end: at } }
        };
        let Some(next) = self.current() else { return Some(null()) };
        let next_indent = indentation(next);
        let dash = is_entry_line(next, next_indent);
        if next_indent > indent {
            if dash {
                self.block_sequence(next_indent, false)
            } else {
                self.block_mapping(next_indent)
            }
        } else if next_indent == indent && dash {
            self.block_sequence(indent, true)
        } else {
            Some(null())
        }
    }

    /// A block sequence whose `-` entries start lines at `column`. `at_key_indent`: written
    /// at its key's indentation (saphyr's "indentless" sequence), which starts at its first
    /// entry's content and ends at the first line that is not an entry.
    fn block_sequence(&mut self, column: usize, at_key_indent: bool) -> Option<Node> {
        let first_line = self.current()?;
        let first_content = skip_spaces(first_line, column + 1);
        let start = if at_key_indent { self.pos(self.line, first_content) } else { self.pos(self.line, column) };
        let mut items = Vec::new();
        loop {
            let line = self.current()?;
            let content = skip_spaces(line, column + 1);
            if ends_line(line, content) || is_entry_line(line, content) {
                return None; // empty entries and nested `- -` sequences
            }
            let item = if key_at(line, content).is_some() {
                self.block_mapping(content)?
            } else if matches!(line.as_bytes()[content], b'|' | b'>') {
                self.block_scalar(content, column)?
            } else {
                let item = self.inline_value(line, content)?;
                self.finish_inline_line(column)?;
                item
            };
            items.push(item);
            match self.current() {
                None => break,
                Some(next) => {
                    let indent = indentation(next);
                    if indent < column || (at_key_indent && indent == column && !is_entry_line(next, indent)) {
                        break;
                    }
                    if indent > column || !is_entry_line(next, indent) {
                        return None;
                    }
                }
            }
        }
        let end = self.block_end(column);
        Some(Node { value: Value::Seq(items), span: Span { start, end } })
    }

    /// A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose indicator is at byte `at`
    /// of the current line, in a block indented by `block_indent`. Only the simple shape is
    /// read: content starting on the next line, every content line indented alike, no lines
    /// of only spaces. Moves to the next line with content after it.
    fn block_scalar(&mut self, at: usize, block_indent: usize) -> Option<Node> {
        let header = self.current()?;
        let literal = header.as_bytes()[at] == b'|';
        let strip = match &header[at + 1..] {
            "" => false,
            "-" => true,
            _ => return None, // keep chomping, indentation indicators, comments
        };
        let first = self.line + 1;
        let first_line = self.lines.get(first)?;
        let indent = indentation(first_line);
        if indent <= block_indent || indent == first_line.len() {
            return None;
        }
        let mut text = String::new();
        let mut line = first;
        let mut empty_lines = 0;
        let mut last_content = first;
        while let Some(&content) = self.lines.get(line) {
            if content.is_empty() {
                empty_lines += 1;
                line += 1;
                continue;
            }
            let content_indent = indentation(content);
            if content_indent == content.len() || content_indent > indent {
                return None; // lines of spaces, more-indented lines
            }
            if content_indent < indent {
                break;
            }
            if line > first {
                // Literal: every line break kept. Folded: a single break becomes a space.
                if literal {
                    text.push('\n');
                } else if empty_lines == 0 {
                    text.push(' ');
                }
                text.extend(std::iter::repeat_n('\n', empty_lines));
            }
            text.push_str(&content[indent..]);
            empty_lines = 0;
            last_content = line;
            line += 1;
        }
        if !strip {
            text.push('\n');
        }
        // saphyr's token ends where it stopped skipping the indentation of the lines after.
        let end = match self.lines.get(line) {
            Some(next) => self.pos(line, indentation(next)),
            None if self.eof.column == 0 => Pos { line: self.eof.line, column: 1 },
            None => self.pos(last_content, self.lines[last_content].chars().count()),
        };
        let span = Span { start: self.pos(first, indent), end };
        self.line = line - 1;
        self.finish_inline_line(block_indent)?;
        Some(Node { value: Value::Scalar { text, style: Style::Block }, span })
    }

    /// After a value that ended its line: moves to the next line with content, which must
    /// not be indented deeper than the enclosing block (saphyr would continue a plain scalar
    /// there, or report an error).
    fn finish_inline_line(&mut self, block_indent: usize) -> Option<()> {
        self.line += 1;
        self.skip_to_content();
        match self.current() {
            Some(next) if indentation(next) > block_indent => None,
            _ => Some(()),
        }
    }

    /// A value that starts at byte `at` of the current line and ends it (a comment may follow).
    fn inline_value(&self, line: &str, at: usize) -> Option<Node> {
        let (node, end) = match line.as_bytes()[at] {
            b'[' | b'{' => self.flow_node(line, at, 0)?,
            _ => {
                let scalar = scalar_at(line, at, false)?;
                let end = scalar.end;
                (self.scalar_node(self.line, scalar), end)
            }
        };
        rest_is_comment(line, end).then_some(node)
    }

    fn scalar_node(&self, line: usize, scalar: Scalar) -> Node {
        Node {
            span: Span { start: self.pos(line, scalar.start), end: self.pos(line, scalar.span_end) },
            value: Value::Scalar { text: scalar.text, style: scalar.style },
        }
    }

    /// A scalar, `[...]` or `{...}` in flow context, `depth` collections deep; returns the
    /// node and the byte after it.
    fn flow_node(&self, line: &str, at: usize, depth: usize) -> Option<(Node, usize)> {
        match line.as_bytes().get(at)? {
            b'[' | b'{' if depth >= 16 => None,
            b'[' => self.flow_collection(line, at, depth, false),
            b'{' => self.flow_collection(line, at, depth, true),
            _ => {
                let scalar = scalar_at(line, at, true)?;
                let end = scalar.end;
                Some((self.scalar_node(self.line, scalar), end))
            }
        }
    }

    /// `[a, "b", [c]]` or `{a: b, c: {d: e}}` on one line, without empty entries or a
    /// trailing comma; keys are scalars written right before `: `.
    fn flow_collection(&self, line: &str, open: usize, depth: usize, mapping: bool) -> Option<(Node, usize)> {
        let bytes = line.as_bytes();
        let close = if mapping { b'}' } else { b']' };
        let mut items = Vec::new();
        let mut entries = Vec::new();
        let mut at = skip_spaces(line, open + 1);
        if bytes.get(at) != Some(&close) {
            loop {
                if mapping {
                    let key = match bytes.get(at)? {
                        b'"' | b'\'' => scalar_at(line, at, true)?,
                        _ => match plain_at(line, at, true)? {
                            (key, PlainEnd::Colon) => key,
                            _ => return None,
                        },
                    };
                    if bytes.get(key.end) != Some(&b':') || bytes.get(key.end + 1) != Some(&b' ') {
                        return None;
                    }
                    if key.style == Style::Plain && key.text == "<<" {
                        return None;
                    }
                    let (value, end) = self.flow_node(line, skip_spaces(line, key.end + 1), depth + 1)?;
                    insert_entry(&mut entries, self.scalar_node(self.line, key), value).ok()?;
                    at = skip_spaces(line, end);
                } else {
                    let (item, end) = self.flow_node(line, at, depth + 1)?;
                    items.push(item);
                    at = skip_spaces(line, end);
                }
                match bytes.get(at) {
                    Some(b',') => {
                        at = skip_spaces(line, at + 1);
                        if matches!(bytes.get(at), Some(b']' | b'}' | b',')) {
                            return None; // a trailing or doubled comma
                        }
                    }
                    Some(&b) if b == close => break,
                    _ => return None,
                }
            }
        }
        let span = Span { start: self.pos(self.line, open), end: self.pos(self.line, token_end(line, at + 1)) };
        let value = if mapping { Value::Map(entries) } else { Value::Seq(items) };
        Some((Node { value, span }, at + 1))
    }
}

/// Where saphyr ends a quoted scalar or closing bracket token that ends at byte `end`: it
/// takes in the spaces after it, and a comment after them (counting characters).
fn token_end(line: &str, end: usize) -> usize {
    let after = skip_spaces(line, end);
    if after > end && line.as_bytes().get(after) == Some(&b'#') {
        after + line[after..].chars().count()
    } else {
        after
    }
}

fn skip_spaces(line: &str, mut at: usize) -> usize {
    let bytes = line.as_bytes();
    while bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    at
}

/// Nothing but spaces and perhaps a comment from `at` on (`at` follows a space or starts
/// the line's content).
fn ends_line(line: &str, at: usize) -> bool {
    matches!(line.as_bytes().get(at), None | Some(b'#'))
}

/// After a value ending at `end`: the line ends, or spaces and then a comment.
fn rest_is_comment(line: &str, end: usize) -> bool {
    let after = skip_spaces(line, end);
    after == line.len() || (after > end && line.as_bytes()[after] == b'#')
}

/// `- ` (or `-` ending the line) at `at`.
fn is_entry_line(line: &str, at: usize) -> bool {
    let bytes = line.as_bytes();
    bytes.get(at) == Some(&b'-') && matches!(bytes.get(at + 1), None | Some(b' '))
}

/// A mapping key starting at `at`: a one-line scalar followed directly by `:` and a space
/// or the end of the line. Returns the key and the `:`'s byte column.
fn key_at(line: &str, at: usize) -> Option<(Scalar, usize)> {
    let key = match line.as_bytes().get(at)? {
        b'"' | b'\'' => scalar_at(line, at, false)?,
        _ => match plain_at(line, at, false)? {
            (key, PlainEnd::Colon) => key,
            _ => return None,
        },
    };
    let bytes = line.as_bytes();
    let colon = key.end;
    let fits = colon - at <= 1000; // saphyr's simple keys are limited to 1024 characters
    let followed = bytes.get(colon) == Some(&b':') && matches!(bytes.get(colon + 1), None | Some(b' '));
    (fits && followed).then_some((key, colon))
}

/// A one-line value scalar starting at `at`: quoted, or plain up to the end of the line or a
/// comment (block context) or a flow indicator (flow context). Plain scalars that meet a
/// `: ` are keys (or errors in saphyr) and are declined here.
fn scalar_at(line: &str, at: usize, in_flow: bool) -> Option<Scalar> {
    match line.as_bytes().get(at)? {
        b'"' => double_quoted(line, at),
        b'\'' => single_quoted(line, at),
        _ => match plain_at(line, at, in_flow)? {
            (scalar, PlainEnd::Line | PlainEnd::Comment) if !in_flow => Some(scalar),
            (scalar, PlainEnd::FlowIndicator) if in_flow => Some(scalar),
            _ => None,
        },
    }
}

/// What ended a plain scalar.
enum PlainEnd {
    Line,
    /// Spaces and a `#`.
    Comment,
    /// A `:` followed by a space or the end of the line (or, in flow context, a flow indicator).
    Colon,
    FlowIndicator,
}

/// A plain scalar starting at `at` (trailing spaces are not part of it), and what ended it.
fn plain_at(line: &str, at: usize, in_flow: bool) -> Option<(Scalar, PlainEnd)> {
    let bytes = line.as_bytes();
    let first = *bytes.get(at)?;
    let next = bytes.get(at + 1).copied();
    let is_flow = |b: u8| matches!(b, b',' | b'[' | b']' | b'{' | b'}');
    let next_is_blank = matches!(next, None | Some(b' '));
    match first {
        b'-' | b'?' | b':' if next_is_blank || (in_flow && next.is_some_and(is_flow)) => return None,
        b'?' | b':' if in_flow => return None,
        b' ' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
        | b'%' | b'@' | b'`' => return None,
        _ => {}
    }
    let mut end = at; // after the last non-space byte
    let mut i = at;
    let stop = loop {
        let Some(&b) = bytes.get(i) else { break PlainEnd::Line };
        match b {
            b' ' if bytes.get(i + 1) == Some(&b'#') => break PlainEnd::Comment,
            b' ' => {}
            b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => break PlainEnd::Colon,
            b':' if in_flow && bytes.get(i + 1).copied().is_some_and(is_flow) => break PlainEnd::Colon,
            b if in_flow && is_flow(b) => break PlainEnd::FlowIndicator,
            b if b >= 0x80 => return None,
            _ => end = i + 1,
        }
        i += 1;
    };
    Some((Scalar { text: line[at..end].to_owned(), style: Style::Plain, start: at, end, span_end: end }, stop))
}

fn quoted(line: &str, text: String, open: usize, end: usize) -> Scalar {
    Scalar { text, style: Style::Quoted, start: open, end, span_end: token_end(line, end) }
}

fn single_quoted(line: &str, open: usize) -> Option<Scalar> {
    let bytes = line.as_bytes();
    let mut text = String::new();
    let mut i = open + 1;
    loop {
        match *bytes.get(i)? {
            b'\'' if bytes.get(i + 1) == Some(&b'\'') => {
                text.push('\'');
                i += 2;
            }
            b'\'' => break,
            b if b >= 0x80 => return None,
            b => {
                text.push(b as char);
                i += 1;
            }
        }
    }
    Some(quoted(line, text, open, i + 1))
}

fn double_quoted(line: &str, open: usize) -> Option<Scalar> {
    let bytes = line.as_bytes();
    let mut text = String::new();
    let mut i = open + 1;
    loop {
        match *bytes.get(i)? {
            b'"' => break,
            b'\\' => {
                text.push(match *bytes.get(i + 1)? {
                    b'\\' => '\\',
                    b'"' => '"',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                });
                i += 2;
            }
            b if b >= 0x80 => return None,
            b => {
                text.push(b as char);
                i += 1;
            }
        }
    }
    Some(quoted(line, text, open, i + 1))
}
