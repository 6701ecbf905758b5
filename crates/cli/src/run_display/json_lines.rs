//! [`JsonLines`]: `--output json` — every event as one line of JSON on standard output, with
//! the wire format's version (`{"version":1,"event":"stage_started",…}`).
//!
//! It must not add or drop anything: the lines are the event stream.

use std::io::Write;

use gantry_engine::{RunEvent, RunEventLine};

use super::RunEventSink;

pub struct JsonLines;

impl RunEventSink for JsonLines {
    fn event(&mut self, event: &RunEvent) {
        if let Ok(line) = serde_json::to_string(&RunEventLine::new(event)) {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) must not stop the run.
            let _ = writeln!(stdout, "{line}").and_then(|_| stdout.flush());
        }
    }
}
