//! The `docker` target: one Docker host, the default for laptops and for preview
//! environments.
//!
//! Every environment is a container on a gantry network, answering at
//! `http://NAME.HOST:PORT/` through one nginx container that resolves names with Docker's
//! DNS, so environments come and go without a proxy reload ([`ProxyConfig`]).
//! [`PreviewHost`] brings environments up, lists them, takes them down and removes those
//! whose TTL ran out; [`DockerHostTarget`] deploys services the same way behind the
//! [`DeployTarget`](crate::DeployTarget) interface. Names and labels come from one
//! [`Namespace`] (`gantry-env` by default).
//!
//! Must not pull images, prune, or act on anything without its namespace's labels: the
//! engine may be shared with other users.

mod app_container;
mod docker_failure;
mod docker_host_target;
mod environment;
mod environment_file;
mod environment_name;
mod environment_spec;
mod http_probe;
mod namespace;
mod preview_host;
mod preview_proxy;
mod preview_settings;
mod proxy_config;
mod ttl;

pub use docker_host_target::DockerHostTarget;
pub use environment::Environment;
pub use environment_file::EnvironmentFile;
pub use environment_name::EnvironmentName;
pub use environment_spec::{DEFAULT_APP_PORT, EnvironmentSpec};
pub use http_probe::{HttpProbe, ProbeResponse};
pub use namespace::{
    COMMIT_LABEL, CREATED_LABEL, ENV_LABEL, EXPIRES_LABEL, NAMESPACE_LABEL, Namespace, PORT_LABEL, RELEASE_LABEL,
    ROLE_LABEL,
};
pub use preview_host::PreviewHost;
pub use preview_settings::{DEFAULT_PROXY_IMAGE, PreviewSettings};
pub use proxy_config::{PROXY_PORT, ProxyConfig};
pub use ttl::Ttl;
