//! The swarm target: Docker Swarm mode through a manager's Docker API (bollard).
//!
//! A service's releases run as the swarm service `<service>` (stable); a canary runs as
//! `<service>-canary` beside it, on its own host-mode port and the same DNS alias, and is
//! removed on promotion or rollback. Ports are published in host mode with DNS round robin
//! because the routing mesh needs IPVS, which not every kernel has. Files and secrets are
//! swarm configs and secrets named after their content. Analysis probes reach the nodes'
//! ports through a [`NodeDialer`].
//!
//! Must not leak bollard types outside this module, build images, or touch services
//! without gantry's labels.

mod node_dialer;
mod release_objects;
mod rollout;
mod service_blueprint;
mod service_shape;
mod service_tasks;
mod service_watch;
mod swarm_arm;
mod swarm_client;
mod swarm_settings;
mod swarm_target;

pub use node_dialer::NodeDialer;
pub use swarm_settings::SwarmSettings;
pub use swarm_target::SwarmTarget;

use release_objects::ReleaseObjects;
use rollout::{Rollout, retire_canary, update_stable};
use service_blueprint::{Role, ServiceBlueprint};
use service_shape::ServiceShape;
use service_tasks::ServiceTasks;
use service_watch::{ServiceWatch, UpdateEnd};
use swarm_arm::SwarmArm;
use swarm_client::SwarmClient;
