//! Deploy targets and their shared vocabulary.
//!
//! This crate says what gantry asks of a place that runs releases — deploy a release, report
//! its status, roll back, list its history ([`DeployTarget`]) — and the values that travel
//! through that interface: [`Release`]s with their image and deploy-time config, the
//! [`CanaryPlan`] that decides whether a release stays, the [`DeployEvent`] stream, and
//! [`DeployError`]. Each target (swarm, a single docker host, helm) lives in its own module
//! and may use its engine's client library there; the vocabulary at the crate root must not
//! name any engine type.
//!
//! Must not build images: a deploy takes an image that exists in a registry. Must not render
//! for a terminal; the CLI consumes the events.

pub mod canary;
mod deploy_error;
mod deploy_event;
mod deploy_lock;
mod deploy_outcome;
mod deploy_request;
mod deploy_target;
pub mod docker_target;
pub mod helm;
mod image_ref;
mod manual_rollback;
pub mod promote;
mod published_port;
mod release;
mod release_config;
mod release_history;
mod release_record;
mod service_status;
pub mod swarm;

pub use canary::{AnalysisCheck, CanaryPlan, CanaryStep, CheckKind, MeasurementPhase};
pub use deploy_error::DeployError;
pub use deploy_event::{DEPLOY_EVENT_VERSION, DeployEvent, Timestamp};
pub use deploy_lock::DeployLock;
pub use deploy_outcome::DeployOutcome;
pub use deploy_request::{DeployRequest, SecretValue};
pub use deploy_target::{DeployFuture, DeployTarget};
pub use image_ref::ImageRef;
pub use published_port::PublishedPort;
pub use release::{Release, ReleaseNumber};
pub use release_config::{ConfigFile, ReleaseConfig, SecretRef};
pub use release_history::{RELEASES_FILE_VERSION, ReleaseHistory};
pub use release_record::{ReleaseRecord, ReleaseState};
pub use service_status::ServiceStatus;
