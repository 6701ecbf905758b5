//! [`RunSettings`]: everything the executor needs from its caller to run a plan — the run's
//! identity, where files go, the values only the caller can know (git, environment,
//! credentials), the registry, the image compiler, and how to schedule.
//!
//! Must not be read from anywhere here: the CLI fills it from files, flags and the
//! environment.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::DockerfileSource;
use crate::scheduler::SchedulerOptions;

use super::{InteractiveStage, RegistryTarget, StageTimeouts};

pub struct RunSettings {
    /// Labels everything the run creates (`gantry.run=<id>`); lower-case letters, digits, `-`.
    pub run_id: String,
    /// The repository root: pipelines' `directory` is relative to it.
    pub repo_root: PathBuf,
    /// Files copied out of containers go to `<artifacts_dir>/<pipeline>/<stage>/`.
    pub artifacts_dir: PathBuf,
    /// `setup` values the caller knows (`project`, `projectShortName`, `commit`, …).
    /// `pipeline` is added per pipeline, and `timestamp` when not given.
    pub setup: BTreeMap<String, String>,
    /// What `${NAME}` (no dot) expands to; a name not here stays as written.
    pub environment: BTreeMap<String, String>,
    /// Secret values by credential ID, for `run.credentials`.
    pub credentials: BTreeMap<String, String>,
    pub registry: RegistryTarget,
    pub dockerfiles: Arc<dyn DockerfileSource>,
    pub scheduling: SchedulerOptions,
    /// Keep the containers of stages whose command failed (labelled
    /// [`KEPT_LABEL`](crate::KEPT_LABEL)) for `gantry shell --failed`, instead of removing them.
    pub keep_failed: bool,
    /// Asked before each stage runs; `None` runs every stage (see [`StageCache`](crate::StageCache)).
    pub cache: Option<Arc<dyn crate::StageCache>>,
    /// Slots shared with other runs in the same process (`gantry gate`): a stage that runs
    /// holds one while it runs — restored stages take none. The wait counts towards the
    /// stage's timeout. `None`: only the scheduler's `jobs` bounds the run.
    pub stage_slots: Option<Arc<tokio::sync::Semaphore>>,
    pub timeouts: StageTimeouts,
    /// Share image layers through a registry (`--cache-from` and inline cache); `None`: only
    /// the engine's own build cache.
    pub layer_cache: Option<super::LayerCache>,
    /// Where `deploy` and `promote` steps go; `None` fails those steps with a hint.
    pub releases: Option<Arc<dyn crate::ReleaseSteps>>,
    /// `gantry shell STAGE`: open a session in this stage's container instead of running its
    /// command (see [`InteractiveStage`]); `None` for a plain run.
    pub interactive: Option<Arc<InteractiveStage>>,
}
