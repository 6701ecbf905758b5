//! [`StageContainers`]: stage containers that stay (stopped) after they ran, so that later
//! steps can copy files out of them, as PipelineLib's `run` and `copy` steps need.
//!
//! Must not outlive the run that made them: they carry the run's label and
//! [`RunCleanup`](crate::RunCleanup) removes them when the run ends.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc;

use crate::{ContainerEvent, EngineFuture, RunRequest};

/// A container that ran to its end and still exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRun {
    pub container_id: String,
    pub exit_code: i64,
}

pub trait StageContainers: Send + Sync {
    /// Runs `request` as [`ContainerRunner::run`](crate::ContainerRunner::run) does, but keeps
    /// the stopped container. Dropping the future kills and removes it.
    fn run_kept<'a>(
        &'a self,
        request: &'a RunRequest,
        events: mpsc::Sender<ContainerEvent>,
    ) -> EngineFuture<'a, KeptRun>;

    /// Copies `source` out of `container` to `destination` on this machine, as `docker cp`
    /// does: a directory is copied as `destination`, a trailing `/` on `source` copies only its
    /// contents into `destination`. Returns the files written.
    fn copy_out<'a>(
        &'a self,
        container: &'a str,
        source: &'a str,
        destination: &'a Path,
    ) -> EngineFuture<'a, Vec<PathBuf>>;
}
