//! [`DockerEngine`]: gantry's backend for a Docker Engine, through bollard.
//!
//! It connects once (from `DOCKER_HOST` or the default socket), negotiates the API
//! version, and implements the engine crate's backend traits ([`ImageBuilder`],
//! [`ContainerRunner`], [`StageContainers`], [`ImagePublisher`], [`RunCleanup`], …).
//! Docker types must not leave this crate; everything public speaks `gantry-engine` types.

use std::path::{Path, PathBuf};

use bollard::Docker;
use gantry_engine::{
    BuildEvent, BuildRequest, ContainerEvent, ContainerRunner, DebugRunner, EngineError,
    EngineFuture, ImageBuilder, ImageId, ImagePublisher, KeptContainer, KeptRun, RegistryAuth,
    RemovedResources, RunCleanup, RunRequest, StageContainers, TerminalIo,
};
use tokio::sync::mpsc;

use crate::api_failure::ApiFailure;
use crate::engine_http::EngineHttp;

/// Where the engine is when `DOCKER_HOST` is not set.
pub const DEFAULT_ENDPOINT: &str = "unix:///var/run/docker.sock";

/// The oldest Engine API gantry works with: BuildKit builds with sessions (Docker 18.09).
const MINIMUM_API: (usize, usize) = (1, 39);

/// A connected Docker Engine.
#[derive(Debug, Clone)]
pub struct DockerEngine {
    docker: Docker,
    http: Result<EngineHttp, String>,
    endpoint: String,
    api_version: String,
}

impl DockerEngine {
    /// Connects to the engine named by `DOCKER_HOST`, or to [`DEFAULT_ENDPOINT`].
    pub async fn connect() -> Result<Self, EngineError> {
        let endpoint = std::env::var("DOCKER_HOST")
            .ok()
            .filter(|host| !host.is_empty())
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
        Self::connect_to(&endpoint).await
    }

    /// Connects to the engine at `endpoint` (`unix:///path`, `tcp://host:port`, …), asks for
    /// its API version and uses the older of its and bollard's.
    pub async fn connect_to(endpoint: &str) -> Result<Self, EngineError> {
        let unreachable = |failure: ApiFailure| EngineError::Unreachable {
            endpoint: endpoint.to_owned(),
            reason: failure.reason,
        };
        let docker = Docker::connect_with_host(endpoint).map_err(|e| unreachable(e.into()))?;
        let docker = docker
            .negotiate_version()
            .await
            .map_err(|e| unreachable(e.into()))?;
        let version = docker.client_version();
        let api_version = format!("{}.{}", version.major_version, version.minor_version);
        if (version.major_version, version.minor_version) < MINIMUM_API {
            return Err(EngineError::UnsupportedEngine {
                endpoint: endpoint.to_owned(),
                api_version,
                minimum: format!("{}.{}", MINIMUM_API.0, MINIMUM_API.1),
            });
        }
        let http = EngineHttp::new(endpoint, &api_version);
        Ok(Self {
            docker,
            http,
            endpoint: endpoint.to_owned(),
            api_version,
        })
    }

    /// The address this engine was reached at.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The negotiated Engine API version, e.g. `1.41` for Docker 20.10.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Makes `pem` (a CA bundle) available to builds as the local image
    /// `gantry.local/ca-bundle:<sha256 prefix>` holding `/ca.crt`, and returns that
    /// reference. Importing the same bundle again returns the existing image.
    pub async fn import_ca_bundle(&self, pem: &[u8]) -> Result<String, EngineError> {
        crate::ca_bundle::import_ca_bundle(&self.docker, pem).await
    }

    /// What the engine is: version, API, OS, architecture, CPUs and memory.
    pub async fn describe(&self) -> Result<gantry_engine::EngineDescription, EngineError> {
        crate::engine_description::describe(&self.docker, &self.api_version).await
    }

    /// The ID (`sha256:…`, the digest of the image config) of the image `reference` names,
    /// or `None` when the engine does not have it. Never pulls. Cache keys use it.
    pub async fn image_id(&self, reference: &str) -> Result<Option<String>, EngineError> {
        match self.docker.inspect_image(reference).await {
            Ok(image) => Ok(image.id),
            Err(error) => {
                let failure = ApiFailure::from(error);
                match failure.is_not_found() {
                    true => Ok(None),
                    false => Err(failure.engine(format!("inspect the image {reference}"))),
                }
            }
        }
    }

    /// Tags `image` (an ID or a reference) as `repository:tag`: the cache keeps the images of
    /// cached stages alive with it, and names a restored image as the new run's.
    pub async fn tag_image(&self, image: &str, repository: &str, tag: &str) -> Result<(), EngineError> {
        crate::image_push::tag_image(&self.docker, image, repository, tag).await
    }
}

impl ImageBuilder for DockerEngine {
    fn build<'a>(
        &'a self,
        request: &'a BuildRequest,
        events: mpsc::Sender<BuildEvent>,
    ) -> EngineFuture<'a, ImageId> {
        Box::pin(async move {
            let http = self.http.as_ref().map_err(|reason| EngineError::Engine {
                action: "build an image".into(),
                reason: reason.clone(),
            })?;
            crate::image_build::build_image(&self.docker, http, request, events).await
        })
    }

    fn image_id<'a>(&'a self, reference: &'a str) -> EngineFuture<'a, Option<String>> {
        Box::pin(DockerEngine::image_id(self, reference))
    }
}

impl ContainerRunner for DockerEngine {
    fn run<'a>(
        &'a self,
        request: &'a RunRequest,
        events: mpsc::Sender<ContainerEvent>,
    ) -> EngineFuture<'a, i64> {
        Box::pin(crate::container_run::run_container(
            &self.docker,
            request,
            events,
        ))
    }

    fn remove_leftovers<'a>(&'a self, run_id: &'a str) -> EngineFuture<'a, usize> {
        Box::pin(crate::container_run::remove_leftovers(&self.docker, run_id))
    }
}

impl DebugRunner for DockerEngine {
    fn run_attached<'a>(
        &'a self,
        request: &'a RunRequest,
        io: TerminalIo,
    ) -> EngineFuture<'a, i64> {
        Box::pin(crate::attached_run::run_attached(&self.docker, request, io))
    }

    fn kept_containers(&self) -> EngineFuture<'_, Vec<KeptContainer>> {
        Box::pin(crate::kept_containers::list(&self.docker))
    }

    fn reopen_kept<'a>(
        &'a self,
        kept: &'a KeptContainer,
        command: Vec<String>,
        io: TerminalIo,
    ) -> EngineFuture<'a, i64> {
        Box::pin(crate::kept_containers::reopen(
            &self.docker,
            kept,
            command,
            io,
        ))
    }

    fn remove_kept<'a>(&'a self, ids: &'a [String]) -> EngineFuture<'a, usize> {
        Box::pin(crate::kept_containers::remove(&self.docker, ids))
    }
}

impl StageContainers for DockerEngine {
    fn run_kept<'a>(
        &'a self,
        request: &'a RunRequest,
        events: mpsc::Sender<ContainerEvent>,
    ) -> EngineFuture<'a, KeptRun> {
        Box::pin(crate::stage_container::run_kept(
            &self.docker,
            request,
            events,
        ))
    }

    fn copy_out<'a>(
        &'a self,
        container: &'a str,
        source: &'a str,
        destination: &'a Path,
    ) -> EngineFuture<'a, Vec<PathBuf>> {
        Box::pin(crate::container_copy::copy_out(
            &self.docker,
            container,
            source,
            destination,
        ))
    }
}

impl ImagePublisher for DockerEngine {
    fn publish<'a>(
        &'a self,
        image: &'a ImageId,
        repository: &'a str,
        tag: &'a str,
        auth: Option<&'a RegistryAuth>,
    ) -> EngineFuture<'a, String> {
        Box::pin(crate::image_push::publish(
            &self.docker,
            image,
            repository,
            tag,
            auth,
        ))
    }
}

impl RunCleanup for DockerEngine {
    fn remove_run<'a>(
        &'a self,
        run_id: &'a str,
        keep: &'a [String],
    ) -> EngineFuture<'a, RemovedResources> {
        Box::pin(crate::run_cleanup::remove_run(&self.docker, run_id, keep))
    }

    fn remove_restored_run<'a>(
        &'a self,
        run_id: &'a str,
        tags: &'a [String],
    ) -> EngineFuture<'a, RemovedResources> {
        Box::pin(crate::run_cleanup::remove_restored_run(
            &self.docker,
            run_id,
            tags,
        ))
    }
}
