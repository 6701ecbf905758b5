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

    /// [`remove_run`](Self::remove_run) for a run that executed no stage (every stage was
    /// restored from the stage cache or skipped): it built nothing, so its only local image
    /// tags are `tags` (names given to restored images), removed without searching the
    /// engine's images for the run's prefix — a search that costs a cached re-run most of its
    /// time on an engine with a few hundred images.
    fn remove_restored_run<'a>(
        &'a self,
        run_id: &'a str,
        tags: &'a [String],
    ) -> EngineFuture<'a, RemovedResources> {
        let _ = tags;
        self.remove_run(run_id, &[])
    }
}
