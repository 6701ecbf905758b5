//! [`SwarmSettings`]: where a swarm target is and how gantry rolls out on it.
//!
//! Must not connect to anything; [`SwarmTarget`](crate::swarm::SwarmTarget) does.

use std::path::PathBuf;
use std::time::Duration;

use crate::swarm::NodeDialer;

/// A swarm manager's address, the state directory, and the timings of rollouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwarmSettings {
    /// The target's name (`.gantry/deploy/<name>/releases.json`, the `gantry.target` label).
    pub name: String,
    /// The manager's Docker API, e.g. `unix:///var/lib/gantry-sw/n1/docker.sock`.
    pub endpoint: String,
    /// Where release history lives (a repository's `.gantry`).
    pub state_dir: PathBuf,
    /// An overlay network both the stable and the canary service join, under the service's
    /// name as alias (DNS round robin spreads clients over both).
    pub network: Option<String>,
    /// How analysis probes reach the nodes' published ports.
    pub dialer: NodeDialer,
    /// Swarm's `update_config.monitor` when the stable service takes a promoted release:
    /// a task failing within it rolls the update back. At least the image's health-check
    /// start period + interval × retries.
    pub update_monitor: Duration,
    /// How long a task gets to stop (after SIGTERM) before it is killed; `None` keeps
    /// swarm's default of 10 s. It bounds how long retiring a canary takes.
    pub stop_grace_period: Option<Duration>,
    /// How long to wait for a service to converge (tasks running, update finished, tasks
    /// gone) before giving up.
    pub converge_timeout: Duration,
}

impl SwarmSettings {
    /// Settings for the manager at `endpoint` with history under `state_dir`: no network,
    /// direct probes, a 5 s update monitor, swarm's stop grace period and a 120 s convergence
    /// limit.
    pub fn new(
        name: impl Into<String>,
        endpoint: impl Into<String>,
        state_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            name: name.into(),
            endpoint: endpoint.into(),
            state_dir: state_dir.into(),
            network: None,
            dialer: NodeDialer::Direct,
            update_monitor: Duration::from_secs(5),
            stop_grace_period: None,
            converge_timeout: Duration::from_secs(120),
        }
    }
}
