//! [`columns`]: rows of cells as plain text columns, each padded to its widest cell, for the
//! listings of `gantry ps` and `gantry runs`; and [`rfc3339`], how those listings show times.
//!
//! It must not know what the cells mean.

use gantry_engine::Timestamp;

/// The rows, one line each, cells two spaces apart, trailing spaces trimmed.
pub fn columns<const N: usize>(rows: &[[String; N]]) -> String {
    let widths: Vec<usize> = (0..N).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// A time as RFC 3339, e.g. `2026-11-26T06:08:34Z`.
pub fn rfc3339(at: Timestamp) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_line_up_without_trailing_spaces() {
        let rows = [["A".to_owned(), "long header".to_owned()], ["wide cell".to_owned(), "x".to_owned()]];
        assert_eq!(columns(&rows), "A          long header\nwide cell  x\n");
    }
}
