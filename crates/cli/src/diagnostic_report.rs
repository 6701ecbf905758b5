//! Renders spec diagnostics for people: `FILE:LINE:COL: message`, the source line with the
//! span marked, and the help line. The one place that turns a `Diagnostic` into text.

use std::fmt::Write as _;

use gantry_spec::Diagnostic;

/// Renders every diagnostic; `source_of` returns the text of a file named in a diagnostic.
pub fn render<'a>(diagnostics: &[Diagnostic], source_of: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        render_one(&mut out, "", diagnostic, source_of(&diagnostic.file));
    }
    let count = diagnostics.len();
    let _ = writeln!(out, "{count} problem{} found", if count == 1 { "" } else { "s" });
    out
}

/// Renders diagnostics that do not stop the command, each message marked `warning:`.
pub fn render_warnings<'a>(warnings: &[Diagnostic], source_of: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::new();
    for warning in warnings {
        render_one(&mut out, "warning: ", warning, source_of(&warning.file));
    }
    out
}

fn render_one(out: &mut String, marker: &str, diagnostic: &Diagnostic, source: Option<&str>) {
    let start = diagnostic.span.start;
    let _ = writeln!(out, "{}:{}:{}: {marker}{}", diagnostic.file, start.line, start.column, diagnostic.message);
    // Line 0 means "no particular place in the file": no excerpt then.
    let line_text = source
        .filter(|_| start.line > 0)
        .and_then(|text| text.lines().nth(start.line as usize - 1));
    if let Some(line_text) = line_text {
        let number = start.line.to_string();
        let gutter = " ".repeat(number.len());
        let indent: String = line_text
            .chars()
            .take(start.column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = diagnostic.span.width_on_first_line() as usize;
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{number} | {line_text}");
        let _ = writeln!(out, "{gutter} | {indent}{}", "^".repeat(width.max(1)));
    }
    let _ = writeln!(out, "  help: {}", diagnostic.help);
    out.push('\n');
}
