//! Consumers of a run's [`RunEvent`] stream: the terminal displays (live on a terminal, plain
//! `[stage] …` lines otherwise), JSON lines, the summary table — and [`RunEventSink`], the
//! interface every consumer (the recorders too) implements. [`spawn_sinks`] feeds one stream
//! to all of them on a thread of their own.
//!
//! Consumers must not decide outcomes nor talk to the engine; they show and keep what the
//! events say.

mod json_lines;
mod live_display;
mod plain_display;
mod summary_table;

use std::thread::JoinHandle;
use std::time::Duration;

use gantry_engine::{RunEvent, StageReport, StageStatus};
use tokio::sync::mpsc;

pub use json_lines::JsonLines;
pub use live_display::LiveDisplay;
pub use plain_display::{PlainDisplay, plain_line};
pub use summary_table::SummaryTable;

/// One consumer of a run's events.
pub trait RunEventSink: Send {
    fn event(&mut self, event: &RunEvent);

    /// Called once the stream has ended; consumers that write files report failures here.
    fn finish(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// Feeds every event of `events` to every sink, in order, on a thread of their own; the
/// thread returns the sinks' failures once the stream has ended.
pub fn spawn_sinks(mut events: mpsc::Receiver<RunEvent>, mut sinks: Vec<Box<dyn RunEventSink>>) -> JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        while let Some(event) = events.blocking_recv() {
            sinks.iter_mut().for_each(|sink| sink.event(&event));
        }
        sinks.iter_mut().filter_map(|sink| sink.finish().err()).collect()
    })
}

/// How a finished stage is described in one line: `ok in 3.2s`, `failed after 1.0s: …`,
/// `skipped: …`.
pub fn outcome_words(report: &StageReport) -> String {
    let duration = seconds(report.duration_ms);
    let reason = report.reason.as_deref().unwrap_or_default();
    match report.status {
        StageStatus::Ok if report.output.cached => format!("cached ({})", short_key(report)),
        StageStatus::Ok => format!("ok in {duration}"),
        StageStatus::Skipped => format!("skipped: {reason}"),
        status => format!("{} after {duration}: {reason}", status.name()),
    }
}

/// `cached` for a restored stage, else the status's name: what the STATUS column says.
pub fn status_word(report: &StageReport) -> &'static str {
    match report.status {
        StageStatus::Ok if report.output.cached => "cached",
        status => status.name(),
    }
}

/// The first 12 hex digits of the stage's cache key.
fn short_key(report: &StageReport) -> String {
    let key = report.output.cache_key.as_deref().unwrap_or("no key");
    key.get(..19).unwrap_or(key).to_owned()
}

/// Milliseconds as seconds with one decimal, e.g. `3.2s`.
pub fn seconds(milliseconds: u64) -> String {
    gantry_engine::seconds(Duration::from_millis(milliseconds))
}
