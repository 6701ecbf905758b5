//! gantry's Docker Engine backend: BuildKit builds and container runs through bollard.
//!
//! [`DockerEngine`] implements `gantry-engine`'s [`ImageBuilder`](gantry_engine::ImageBuilder)
//! and [`ContainerRunner`](gantry_engine::ContainerRunner) for a Docker Engine (20.10 or
//! newer with BuildKit). Builds read the context and the Dockerfile through a BuildKit
//! session that gantry serves itself, which honours `.dockerignore` with Docker's rules and
//! keeps the Dockerfile out of the context. Containers are always removed.
//!
//! Nothing here may leak Docker or bollard types to other crates, pull images, or render
//! output; callers receive `gantry-engine` events and errors.

mod api_failure;
mod attached_run;
mod build_progress;
mod build_session;
mod ca_bundle;
mod container_copy;
mod container_guard;
mod container_lifecycle;
mod container_run;
mod docker_engine;
mod engine_description;
mod engine_http;
mod file_sync;
mod image_build;
mod image_push;
mod kept_containers;
mod line_splitter;
mod run_cleanup;
mod stage_container;

pub use ca_bundle::{CA_BUNDLE_FILE, CA_BUNDLE_REPOSITORY};
pub use docker_engine::{DEFAULT_ENDPOINT, DockerEngine};
