//! Shows a build's progress on stderr: a live spinner per running step on a terminal, plain
//! `#N` lines (as BuildKit prints them) everywhere else, e.g. in CI logs.
//!
//! It only consumes `BuildEvent`s; it must not talk to the engine or decide outcomes.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use gantry_engine::{BuildEvent, StepId, seconds};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;

/// How many log lines of a step are kept to show when the step fails (live mode).
const LOG_TAIL: usize = 20;

pub struct BuildProgress {
    live: Option<MultiProgress>,
}

/// A step being shown in live mode.
struct LiveStep {
    bar: ProgressBar,
    name: String,
    tail: VecDeque<String>,
}

impl BuildProgress {
    pub fn new(live: bool) -> Self {
        BuildProgress { live: live.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())) }
    }

    /// Shows events until the sender is dropped.
    pub async fn consume(self, mut events: mpsc::Receiver<BuildEvent>) {
        match self.live {
            None => {
                while let Some(event) = events.recv().await {
                    eprintln!("{}", event.plain_line());
                }
            }
            Some(bars) => {
                let mut steps: BTreeMap<StepId, LiveStep> = BTreeMap::new();
                while let Some(event) = events.recv().await {
                    show_live(&bars, &mut steps, event);
                }
                for (_, step) in steps {
                    step.bar.finish_and_clear();
                }
            }
        }
    }
}

fn show_live(bars: &MultiProgress, steps: &mut BTreeMap<StepId, LiveStep>, event: BuildEvent) {
    match event {
        BuildEvent::StepStarted { step, name } => {
            let bar = bars.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(name.clone());
            bar.enable_steady_tick(Duration::from_millis(120));
            steps.insert(step, LiveStep { bar, name, tail: VecDeque::new() });
        }
        BuildEvent::StepLog { step, line, .. } => {
            if let Some(live) = steps.get_mut(&step) {
                if live.tail.len() == LOG_TAIL {
                    live.tail.pop_front();
                }
                live.tail.push_back(line);
            }
        }
        BuildEvent::StepFinished { step, cached, duration } => {
            if let Some(live) = steps.remove(&step) {
                live.bar.finish_and_clear();
                let status = if cached { "cached".to_string() } else { seconds(duration) };
                let _ = bars.println(format!("✔ {} ({status})", live.name));
            }
        }
        BuildEvent::StepFailed { step, error, .. } => {
            if let Some(live) = steps.remove(&step) {
                live.bar.finish_and_clear();
                let _ = bars.println(format!("✘ {}", live.name));
                for line in live.tail {
                    let _ = bars.println(format!("  │ {line}"));
                }
                let _ = bars.println(format!("  {error}"));
            }
        }
        BuildEvent::Warning { message, .. } => {
            let _ = bars.println(format!("warning: {message}"));
        }
    }
}
