//! [`RunCleanup`]: the backend operation "remove everything this run created".
//!
//! Everything gantry creates on an engine carries the [`RUN_LABEL`](crate::RUN_LABEL) label
//! with the run's ID, and the images its builds tag live under
//! [`local_image_prefix`](crate::pipeline_run::local_image_prefix); this finds things by
//! those alone, so it also cleans up after a process that died. It must not touch anything
//! else.

use crate::EngineFuture;

/// What a cleanup removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemovedResources {
    pub containers: usize,
    pub networks: usize,
    pub volumes: usize,
    /// Local image tags.
    pub images: usize,
}

pub trait RunCleanup: Send + Sync {
    /// Stops and removes every container, network and volume labelled with `run_id`, except
    /// the containers `keep` names (kept for debugging), and untags the run's local images.
    fn remove_run<'a>(
        &'a self,
        run_id: &'a str,
        keep: &'a [String],
    ) -> EngineFuture<'a, RemovedResources>;
}
