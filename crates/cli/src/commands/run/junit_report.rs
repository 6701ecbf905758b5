//! [`JunitReport`]: the run's stages as a JUnit XML report, `<run folder>/junit.xml` — one
//! test suite per pipeline, one test case per stage (its time; a failure with the reason and
//! the last lines of its output; skipped stages as skipped) — for CI systems that show tests.
//!
//! It must not judge stages: statuses come from the events.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::path::PathBuf;

use gantry_engine::{RunEvent, StageRef, StageReport, StageStatus};

use crate::run_display::RunEventSink;

/// How many output lines of a failed stage go into its failure.
const FAILURE_TAIL: usize = 50;

pub struct JunitReport {
    path: PathBuf,
    /// Finished stages by pipeline, in the order they finished.
    suites: BTreeMap<String, Vec<(String, StageReport, String)>>,
    tails: HashMap<StageRef, VecDeque<String>>,
}

impl JunitReport {
    pub fn new(path: PathBuf) -> Self {
        Self { path, suites: BTreeMap::new(), tails: HashMap::new() }
    }

    fn xml(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gantry\">\n");
        for (pipeline, cases) in &self.suites {
            let count = |wanted: &[StageStatus]| cases.iter().filter(|(_, r, _)| wanted.contains(&r.status)).count();
            let time: u64 = cases.iter().map(|(_, r, _)| r.duration_ms).sum();
            let _ = writeln!(
                xml,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{}\">",
                escape(pipeline),
                cases.len(),
                count(&[StageStatus::Failed, StageStatus::TimedOut]),
                count(&[StageStatus::Skipped, StageStatus::Cancelled]),
                seconds(time)
            );
            for (stage, report, output) in cases {
                test_case(&mut xml, pipeline, stage, report, output);
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        xml
    }
}

fn test_case(xml: &mut String, pipeline: &str, stage: &str, report: &StageReport, output: &str) {
    let reason = escape(report.reason.as_deref().unwrap_or_default());
    let _ = write!(xml, "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"", escape(pipeline), escape(stage), seconds(report.duration_ms));
    match report.status {
        StageStatus::Ok => xml.push_str("/>\n"),
        StageStatus::Skipped | StageStatus::Cancelled => {
            let _ = write!(xml, ">\n      <skipped message=\"{}: {reason}\"/>\n    </testcase>\n", report.status.name());
        }
        StageStatus::Failed | StageStatus::TimedOut => {
            let _ = write!(
                xml,
                ">\n      <failure type=\"{}\" message=\"{reason}\">{}</failure>\n    </testcase>\n",
                report.status.name(),
                escape(output)
            );
        }
    }
}

impl RunEventSink for JunitReport {
    fn event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::StageLog { stage, line, .. } => {
                let tail = self.tails.entry(stage.clone()).or_default();
                if tail.len() == FAILURE_TAIL {
                    tail.pop_front();
                }
                tail.push_back(line.clone());
            }
            RunEvent::StageFinished { stage, report, .. } => {
                let output: Vec<String> = self.tails.remove(stage).unwrap_or_default().into();
                let case = (stage.stage.clone(), StageReport::clone(report), output.join("\n"));
                self.suites.entry(stage.pipeline.clone()).or_default().push(case);
            }
            _ => {}
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        std::fs::write(&self.path, self.xml()).map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

fn seconds(milliseconds: u64) -> String {
    format!("{:.3}", milliseconds as f64 / 1000.0)
}

/// Text for XML attributes and content; characters XML 1.0 cannot hold are dropped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\n' | '\t' | '\r' => escaped.push(c),
            c if c < ' ' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use gantry_engine::{LogSource, Timestamp};

    use super::*;

    fn finished(stage: &str, status: StageStatus, reason: Option<&str>) -> RunEvent {
        let report = StageReport { status, duration_ms: 1500, reason: reason.map(Into::into), ..StageReport::default() };
        RunEvent::StageFinished { stage: StageRef::new("test", stage), started_at: None, at: Timestamp::UNIX_EPOCH, report: Box::new(report) }
    }

    #[test]
    fn stages_become_test_cases_with_failures_and_skips() {
        let mut report = JunitReport::new(PathBuf::from("unused"));
        let log = RunEvent::StageLog { stage: StageRef::new("test", "unit"), source: LogSource::Stdout, line: "assert 1 < 2\u{1b}".into() };
        for event in [finished("lint", StageStatus::Ok, None), log, finished("unit", StageStatus::Failed, Some("exit status 1")), finished("publish", StageStatus::Skipped, Some("needs 'unit', which failed"))] {
            report.event(&event);
        }
        assert_eq!(
            report.xml(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gantry\">\n\
             \x20 <testsuite name=\"test\" tests=\"3\" failures=\"1\" skipped=\"1\" time=\"4.500\">\n\
             \x20   <testcase classname=\"test\" name=\"lint\" time=\"1.500\"/>\n\
             \x20   <testcase classname=\"test\" name=\"unit\" time=\"1.500\">\n\
             \x20     <failure type=\"failed\" message=\"exit status 1\">assert 1 &lt; 2</failure>\n\
             \x20   </testcase>\n\
             \x20   <testcase classname=\"test\" name=\"publish\" time=\"1.500\">\n\
             \x20     <skipped message=\"skipped: needs 'unit', which failed\"/>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n</testsuites>\n"
        );
    }
}
