//! [`StageLogs`]: each stage's full output in its own file, `<run folder>/<pipeline>/<stage>.log`
//! — build progress, container output, and gantry's own notes (prefixed `gantry:`), ending
//! with how the stage ended.
//!
//! It must not filter or shorten: the log is everything the stage reported.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};

use gantry_engine::{LogSource, RunEvent, StageRef};

use super::run_folder::RunFolder;
use crate::run_display::{RunEventSink, outcome_words};

pub struct StageLogs {
    folder: RunFolder,
    open: HashMap<StageRef, BufWriter<File>>,
    errors: Vec<String>,
}

impl StageLogs {
    pub fn new(folder: RunFolder) -> Self {
        Self { folder, open: HashMap::new(), errors: Vec::new() }
    }

    fn write(&mut self, stage: &StageRef, line: &str) {
        if !self.open.contains_key(stage) {
            match self.create(stage) {
                Ok(file) => _ = self.open.insert(stage.clone(), file),
                Err(error) => return self.errors.push(error),
            }
        }
        if let Some(file) = self.open.get_mut(stage)
            && let Err(e) = writeln!(file, "{line}")
        {
            self.errors.push(format!("cannot write the log of {stage}: {e}"));
        }
    }

    fn create(&self, stage: &StageRef) -> Result<BufWriter<File>, String> {
        let path = self.folder.stage_log(&stage.pipeline, &stage.stage);
        let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        File::create(&path).map(BufWriter::new).map_err(failed)
    }

    fn close(&mut self, stage: &StageRef) {
        if let Some(mut file) = self.open.remove(stage)
            && let Err(e) = file.flush()
        {
            self.errors.push(format!("cannot write the log of {stage}: {e}"));
        }
    }
}

impl RunEventSink for StageLogs {
    fn event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::StageLog { stage, source: LogSource::Gantry, line } => self.write(stage, &format!("gantry: {line}")),
            RunEvent::StageLog { stage, line, .. } => self.write(stage, line),
            RunEvent::StageFinished { stage, report, .. } => {
                self.write(stage, &format!("gantry: {} {}", stage.stage, outcome_words(report)));
                self.close(stage);
            }
            _ => {}
        }
    }

    fn finish(&mut self) -> Result<(), String> {
        let stages: Vec<StageRef> = self.open.keys().cloned().collect();
        stages.iter().for_each(|stage| self.close(stage));
        match self.errors.is_empty() {
            true => Ok(()),
            false => Err(self.errors.join("\n")),
        }
    }
}
