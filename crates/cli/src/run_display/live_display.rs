//! [`LiveDisplay`]: the run on a terminal — one spinner line per running stage with its
//! elapsed time and latest output, and a line per finished stage with its status and
//! duration (with the last lines of its output when it failed).
//!
//! It must only draw: what it shows comes from the events.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use gantry_engine::{RunEvent, StageRef, StageReport, StageStatus};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{RunEventSink, outcome_words};

/// How many output lines of a stage are shown when it fails.
const FAILURE_TAIL: usize = 15;

pub struct LiveDisplay {
    bars: MultiProgress,
    running: HashMap<StageRef, ProgressBar>,
    tails: HashMap<StageRef, VecDeque<String>>,
}

impl Default for LiveDisplay {
    fn default() -> Self {
        Self { bars: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()), running: HashMap::new(), tails: HashMap::new() }
    }
}

impl RunEventSink for LiveDisplay {
    fn event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::StageStarted { stage, .. } => self.start(stage),
            RunEvent::StageLog { stage, line, .. } => self.log(stage, line),
            RunEvent::StageFinished { stage, report, .. } => self.finish_stage(stage, report),
            RunEvent::RunStarted { .. } | RunEvent::StageQueued { .. } | RunEvent::RunFinished { .. } => {}
        }
    }
}

impl LiveDisplay {
    fn start(&mut self, stage: &StageRef) {
        let bar = self.bars.add(ProgressBar::new_spinner());
        let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {elapsed:>4} {wide_msg:.dim}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(stage.stage.clone());
        bar.enable_steady_tick(Duration::from_millis(120));
        self.running.insert(stage.clone(), bar);
    }

    fn log(&mut self, stage: &StageRef, line: &str) {
        if let Some(bar) = self.running.get(stage) {
            bar.set_message(line.to_owned());
        }
        let tail = self.tails.entry(stage.clone()).or_default();
        if tail.len() == FAILURE_TAIL {
            tail.pop_front();
        }
        tail.push_back(line.to_owned());
    }

    fn finish_stage(&mut self, stage: &StageRef, report: &StageReport) {
        if let Some(bar) = self.running.remove(stage) {
            bar.finish_and_clear();
        }
        let mark = match report.status {
            StageStatus::Ok => "✔",
            StageStatus::Skipped | StageStatus::Cancelled => "–",
            StageStatus::Failed | StageStatus::TimedOut => "✘",
        };
        let _ = self.bars.println(format!("{mark} {} {}", stage.stage, outcome_words(report)));
        let tail = self.tails.remove(stage).unwrap_or_default();
        if matches!(report.status, StageStatus::Failed | StageStatus::TimedOut) {
            for line in tail {
                let _ = self.bars.println(format!("  │ {line}"));
            }
        }
    }
}
