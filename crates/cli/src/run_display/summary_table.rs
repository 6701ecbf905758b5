//! [`SummaryTable`]: the table printed when a run ends — every stage with its status, its
//! duration and what it produced (the published reference with its digest, the image it
//! built) or why it did not succeed — and where the run's record is.
//!
//! It must not print before the run has finished.

use std::fmt::Write as _;
use std::path::PathBuf;

use gantry_engine::{BindingValue, RunEvent, StageReport};

use super::plain_display::outcome_name;
use super::{RunEventSink, seconds, status_word};

pub struct SummaryTable {
    rows: Vec<[String; 4]>,
    /// The run's folder, named in the last line.
    pub run_dir: PathBuf,
}

impl SummaryTable {
    pub fn new(run_dir: PathBuf) -> Self {
        Self { rows: Vec::new(), run_dir }
    }
}

impl RunEventSink for SummaryTable {
    fn event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::StageFinished { stage, report, .. } => {
                self.rows.push([stage.to_string(), status_word(report).to_owned(), seconds(report.duration_ms), result(report)]);
            }
            RunEvent::RunFinished { outcome, duration_ms, .. } => {
                let mut text = table(&self.rows);
                let _ = writeln!(text, "{} in {} · {}", outcome_name(*outcome), seconds(*duration_ms), self.run_dir.join("record.json").display());
                print!("{text}");
            }
            _ => {}
        }
    }
}

/// What the stage left: the URL its deploy answers at, its published references, else its
/// image, else why it failed.
fn result(report: &StageReport) -> String {
    let output = &report.output;
    let url = match output.exports.get("url") {
        Some(BindingValue::Text(url)) if report.reason.is_none() => Some(url.clone()),
        _ => None,
    };
    if url.is_some() || !output.published.is_empty() {
        let published = output.published.iter().map(|p| format!("{}@{}", p.reference, p.digest));
        return url.into_iter().chain(published).collect::<Vec<_>>().join(" ");
    }
    match (&report.reason, output.images.last()) {
        (Some(reason), _) => reason.lines().next().unwrap_or_default().to_owned(),
        (None, Some(image)) => image.id.clone(),
        (None, None) => String::new(),
    }
}

fn table(rows: &[[String; 4]]) -> String {
    let header = ["STAGE", "STATUS", "TIME", "RESULT"].map(String::from);
    let widths: Vec<usize> = (0..3).map(|c| rows.iter().chain([&header]).map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for row in [&header].into_iter().chain(rows) {
        let line = format!("{:w0$}  {:w1$}  {:>w2$}  {}", row[0], row[1], row[2], row[3], w0 = widths[0], w1 = widths[1], w2 = widths[2]);
        let _ = writeln!(text, "{}", line.trim_end());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let rows = vec![
            ["test/lint".to_string(), "ok".into(), "3.2s".into(), String::new()],
            ["test/production".to_string(), "ok".into(), "12.0s".into(), "r/app:1@sha256:ab".into()],
        ];
        assert_eq!(
            table(&rows),
            "STAGE            STATUS   TIME  RESULT\n\
             test/lint        ok       3.2s\n\
             test/production  ok      12.0s  r/app:1@sha256:ab\n"
        );
    }
}
