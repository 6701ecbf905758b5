//! [`BuildProgress`]: translates BuildKit status messages into [`BuildEvent`]s.
//!
//! BuildKit reports a build as a graph of vertices that it re-sends as they change, with
//! their output in arbitrary chunks. This module turns that into the engine's ordered
//! per-step events and remembers what a failure report needs (the failed step and the end
//! of its output). It must not talk to the engine or decide whether the build failed.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use bollard::moby::buildkit::v1::StatusResponse;
use gantry_engine::{BuildEvent, OutputStream, StepId};

use crate::line_splitter::LineSplitter;

/// How many output lines of a step are kept for error messages.
const TAIL_LINES: usize = 20;

/// BuildKit's error text for steps that stopped because another step failed.
const CANCELED: &str = "context canceled";

/// The state of one build's steps, fed with every status message of the build.
#[derive(Debug, Default)]
pub(crate) struct BuildProgress {
    steps: HashMap<String, Step>,
    next_id: u32,
    failed: Option<String>,
}

#[derive(Debug)]
struct Step {
    id: StepId,
    name: String,
    started: bool,
    done: bool,
    stdout: LineSplitter,
    stderr: LineSplitter,
    tail: VecDeque<String>,
}

/// Seconds and nanoseconds since the epoch, as BuildKit's timestamps carry them.
type Instant = (i64, i32);

impl BuildProgress {
    /// Applies one status message and returns the events it causes, in order.
    pub(crate) fn update(&mut self, status: &StatusResponse) -> Vec<BuildEvent> {
        let mut events = Vec::new();
        for vertex in &status.vertexes {
            let step = self.step(&vertex.digest);
            if !vertex.name.is_empty() {
                step.name.clone_from(&vertex.name);
            }
            if vertex.started.is_some() || vertex.completed.is_some() {
                step.start(&mut events);
            }
            if let (Some(completed), false) = (&vertex.completed, step.done) {
                step.done = true;
                step.flush(&mut events);
                let started = vertex
                    .started
                    .as_ref()
                    .map_or((completed.seconds, completed.nanos), |s| {
                        (s.seconds, s.nanos)
                    });
                let duration = elapsed(started, (completed.seconds, completed.nanos));
                if vertex.error.is_empty() {
                    events.push(BuildEvent::StepFinished {
                        step: step.id,
                        cached: vertex.cached,
                        duration,
                    });
                } else {
                    events.push(BuildEvent::StepFailed {
                        step: step.id,
                        error: vertex.error.clone(),
                        duration,
                    });
                    let first_real_failure =
                        self.failed.is_none() && !vertex.error.ends_with(CANCELED);
                    if first_real_failure {
                        self.failed = Some(vertex.digest.clone());
                    }
                }
            }
        }
        for log in &status.logs {
            let step = self.step(&log.vertex);
            step.start(&mut events);
            let stream = if log.stream == 2 {
                OutputStream::Stderr
            } else {
                OutputStream::Stdout
            };
            let splitter = match stream {
                OutputStream::Stdout => &mut step.stdout,
                OutputStream::Stderr => &mut step.stderr,
            };
            for line in splitter.push(&log.msg) {
                step.record(stream, line, &mut events);
            }
        }
        for warning in &status.warnings {
            let step = self.steps.get(&warning.vertex).map(|step| step.id);
            let message = String::from_utf8_lossy(&warning.short).into_owned();
            events.push(BuildEvent::Warning { step, message });
        }
        events
    }

    /// The name and last output lines of the step that failed first, if one did.
    pub(crate) fn failure(&self) -> Option<(String, Vec<String>)> {
        let step = self.steps.get(self.failed.as_ref()?)?;
        Some((step.name.clone(), step.tail.iter().cloned().collect()))
    }

    fn step(&mut self, digest: &str) -> &mut Step {
        let next_id = &mut self.next_id;
        self.steps.entry(digest.to_owned()).or_insert_with(|| {
            let id = StepId(*next_id);
            *next_id += 1;
            Step {
                id,
                name: String::new(),
                started: false,
                done: false,
                stdout: LineSplitter::default(),
                stderr: LineSplitter::default(),
                tail: VecDeque::new(),
            }
        })
    }
}

impl Step {
    fn start(&mut self, events: &mut Vec<BuildEvent>) {
        if !self.started {
            self.started = true;
            events.push(BuildEvent::StepStarted {
                step: self.id,
                name: self.name.clone(),
            });
        }
    }

    fn flush(&mut self, events: &mut Vec<BuildEvent>) {
        if let Some(line) = self.stdout.finish() {
            self.record(OutputStream::Stdout, line, events);
        }
        if let Some(line) = self.stderr.finish() {
            self.record(OutputStream::Stderr, line, events);
        }
    }

    fn record(&mut self, stream: OutputStream, line: String, events: &mut Vec<BuildEvent>) {
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.clone());
        events.push(BuildEvent::StepLog {
            step: self.id,
            stream,
            line,
        });
    }
}

fn elapsed(from: Instant, to: Instant) -> Duration {
    let nanos = |(seconds, nanos): Instant| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    let diff = (nanos(to) - nanos(from)).max(0);
    Duration::from_nanos(u64::try_from(diff).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use bollard::moby::buildkit::v1::{Vertex, VertexLog};

    use super::*;

    /// Sets a vertex timestamp (BuildKit's protobuf `Timestamp`, which bollard does not
    /// re-export by name).
    macro_rules! at {
        ($field:expr, $seconds:expr, $nanos:expr) => {{
            let timestamp = $field.insert(Default::default());
            timestamp.seconds = $seconds;
            timestamp.nanos = $nanos;
        }};
    }

    fn vertex(digest: &str, name: &str) -> Vertex {
        Vertex {
            digest: digest.into(),
            name: name.into(),
            ..Vertex::default()
        }
    }

    fn log(digest: &str, stream: i64, msg: &str) -> VertexLog {
        VertexLog {
            vertex: digest.into(),
            stream,
            msg: msg.into(),
            ..VertexLog::default()
        }
    }

    #[test]
    fn reports_start_logs_and_finish_once_per_step() {
        let mut progress = BuildProgress::default();
        let mut started = vertex("sha256:a", "[1/2] RUN echo hi");
        at!(started.started, 10, 0);
        let events = progress.update(&StatusResponse {
            vertexes: vec![started.clone()],
            ..Default::default()
        });
        assert_eq!(
            events,
            vec![BuildEvent::StepStarted {
                step: StepId(0),
                name: "[1/2] RUN echo hi".into()
            }]
        );

        let events = progress.update(&StatusResponse {
            vertexes: vec![started.clone()],
            logs: vec![log("sha256:a", 1, "hi\npart"), log("sha256:a", 2, "oops\n")],
            ..Default::default()
        });
        assert_eq!(
            events,
            vec![
                BuildEvent::StepLog {
                    step: StepId(0),
                    stream: OutputStream::Stdout,
                    line: "hi".into()
                },
                BuildEvent::StepLog {
                    step: StepId(0),
                    stream: OutputStream::Stderr,
                    line: "oops".into()
                },
            ]
        );

        let mut done = started;
        at!(done.completed, 11, 500_000_000);
        let events = progress.update(&StatusResponse {
            vertexes: vec![done.clone(), done],
            ..Default::default()
        });
        assert_eq!(
            events,
            vec![
                BuildEvent::StepLog {
                    step: StepId(0),
                    stream: OutputStream::Stdout,
                    line: "part".into()
                },
                BuildEvent::StepFinished {
                    step: StepId(0),
                    cached: false,
                    duration: Duration::from_millis(1500)
                },
            ]
        );
        assert_eq!(progress.failure(), None);
    }

    #[test]
    fn cached_step_reported_without_a_separate_start() {
        let mut progress = BuildProgress::default();
        let mut cached = vertex("sha256:b", "[2/2] COPY . .");
        cached.cached = true;
        at!(cached.completed, 5, 0);
        let events = progress.update(&StatusResponse {
            vertexes: vec![cached],
            ..Default::default()
        });
        assert_eq!(
            events,
            vec![
                BuildEvent::StepStarted {
                    step: StepId(0),
                    name: "[2/2] COPY . .".into()
                },
                BuildEvent::StepFinished {
                    step: StepId(0),
                    cached: true,
                    duration: Duration::ZERO
                },
            ]
        );
    }

    #[test]
    fn remembers_the_first_real_failure_and_its_output() {
        let mut progress = BuildProgress::default();
        let mut canceled = vertex("sha256:c", "[other 1/1] RUN sleep 5");
        at!(canceled.started, 1, 0);
        at!(canceled.completed, 2, 0);
        canceled.error = "context canceled".into();
        let mut failed = vertex("sha256:d", "[2/2] RUN make");
        at!(failed.started, 1, 0);
        progress.update(&StatusResponse {
            vertexes: vec![failed.clone()],
            logs: vec![log("sha256:d", 2, "error: no rule\n")],
            ..Default::default()
        });
        at!(failed.completed, 3, 0);
        failed.error = "executor failed running [/bin/sh -c make]: exit code: 2".into();
        let events = progress.update(&StatusResponse {
            vertexes: vec![canceled, failed],
            ..Default::default()
        });
        assert!(events.contains(&BuildEvent::StepFailed {
            step: StepId(0),
            error: "executor failed running [/bin/sh -c make]: exit code: 2".into(),
            duration: Duration::from_secs(2),
        }));
        assert_eq!(
            progress.failure(),
            Some(("[2/2] RUN make".into(), vec!["error: no rule".into()]))
        );
    }
}
