//! [`LineSplitter`]: turns chunks of process output into whole lines.
//!
//! Engines deliver output in arbitrary chunks that may end mid-line or even mid-character;
//! events carry whole lines. This module must not know where the bytes come from.

/// Buffers bytes until a `\n` completes a line.
#[derive(Debug, Default)]
pub(crate) struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    /// Adds `chunk` and returns the lines it completes, without `\n` or a trailing `\r`.
    /// Invalid UTF-8 is replaced, not dropped.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(chunk);
        let mut lines = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            lines.push(to_text(&line[..end]));
        }
        lines
    }

    /// Returns the unterminated last line, if any, and empties the buffer.
    pub(crate) fn finish(&mut self) -> Option<String> {
        if self.pending.is_empty() {
            return None;
        }
        let line = to_text(&self.pending);
        self.pending.clear();
        Some(line)
    }
}

fn to_text(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_chunks_and_splits_lines() {
        let mut splitter = LineSplitter::default();
        assert_eq!(splitter.push(b"hel"), Vec::<String>::new());
        assert_eq!(splitter.push(b"lo\r\nwor"), vec!["hello"]);
        assert_eq!(splitter.push(b"ld\n\nlast"), vec!["world", ""]);
        assert_eq!(splitter.finish().as_deref(), Some("last"));
        assert_eq!(splitter.finish(), None);
    }

    #[test]
    fn keeps_characters_split_across_chunks() {
        let mut splitter = LineSplitter::default();
        let text = "é\n".as_bytes();
        assert!(splitter.push(&text[..1]).is_empty());
        assert_eq!(splitter.push(&text[1..]), vec!["é"]);
    }
}
