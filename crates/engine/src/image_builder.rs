//! [`ImageBuilder`]: the backend operation "build this Dockerfile into an image".
//!
//! Must not schedule, retry or cache builds; that belongs to the executor. A backend builds
//! what it is given, once.

use tokio::sync::mpsc;

use crate::{BuildEvent, BuildRequest, EngineFuture, ImageId};

/// Builds images on a container engine.
pub trait ImageBuilder: Send + Sync {
    /// Builds `request` and returns the ID of the image, which exists in the engine when
    /// this returns `Ok`.
    ///
    /// Progress is sent to `events` while the build runs; a closed receiver does not stop
    /// the build. A failed build returns [`EngineError::BuildFailed`](crate::EngineError)
    /// with the engine's error text and the failing step's last output lines. Dropping the
    /// future cancels the build.
    fn build<'a>(
        &'a self,
        request: &'a BuildRequest,
        events: mpsc::Sender<BuildEvent>,
    ) -> EngineFuture<'a, ImageId>;

    /// The ID (`sha256:…`) of the image the engine has under `reference`, `None` when it has
    /// none. Never pulls.
    fn image_id<'a>(&'a self, reference: &'a str) -> EngineFuture<'a, Option<String>>;
}
