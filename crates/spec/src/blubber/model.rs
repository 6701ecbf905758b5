//! The typed Blubber v4 configuration, as decoded from YAML and before any merging.
//!
//! The types mirror Blubber's own config structs closely, because Blubber's merge rules are
//! defined on Go zero values: an empty string or a zero id means "not set" and does not
//! override, a flag is tri-state, a list that is present (even empty) replaces. Those rules
//! are written next to each field. Positions are kept where a later phase (merge, graph,
//! policy) must report a problem.
//!
//! This module must not parse YAML or validate values; `decode` fills these types and reports
//! problems, `merge`/`expand` combine them.

use std::collections::BTreeMap;
use std::sync::Arc;

pub use crate::spanned::Spanned;
use crate::yaml::Span;

/// A whole `blubber.yaml`: `version`, the top-level common config and the variants.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BlubberFile {
    /// The file as the user named it; set by `parse`, carried by diagnostics found after
    /// decoding (merge and graph checks).
    pub path: Arc<str>,
    pub version: Spanned<String>,
    /// The top level: Blubber's defaults with the user's top-level keys decoded over them.
    pub common: Common,
    /// Variants in file order.
    pub variants: Vec<Variant>,
    /// Where the `variants:` key is (the start of the file when there is none), for
    /// "no such variant" errors.
    pub variants_span: Span,
}

impl BlubberFile {
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name.value == name)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Variant {
    pub name: Spanned<String>,
    /// Names of variants merged in before this one, in declared order.
    pub includes: Vec<Spanned<String>>,
    /// Artifacts copied in the install phase; merge: later appended, equal earlier ones dropped.
    pub copies: Vec<Artifact>,
    pub common: Common,
}

/// The keys allowed both at the top level and in variants.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Common {
    /// Override if set. `None` (or `~`) cannot clear an inherited base.
    pub base: Option<Spanned<String>>,
    /// Build arguments (`ARG`); merge: map union, later wins.
    pub arguments: BTreeMap<String, String>,
    pub apt: Apt,
    pub node: Node,
    pub php: Php,
    pub python: Python,
    /// The standalone custom builder (`builder:`), `None` when absent.
    pub builder: Option<CustomBuilder>,
    /// Ordered builders (`builders:`); `None` when absent. Special merge, see `merge`.
    pub builders: Option<Spanned<Vec<BuilderEntry>>>,
    pub lives: Lives,
    pub runs: Runs,
    /// Exec-form entrypoint; replace if present (an explicit `[]` clears).
    pub entrypoint: Option<Vec<String>>,
    /// Where the standalone `node`/`php`/`python`/`builder` keys were written, in that order;
    /// used to report "builders: is not allowed if ..." after merging.
    pub standalone_builder_spans: Vec<Span>,
}

/// A copy source: `local` (the build context), a variant, or an image reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Artifact {
    pub from: Spanned<String>,
    pub source: String,
    pub destination: String,
    pub exclude: Vec<String>,
}

impl Artifact {
    pub fn is_local(&self) -> bool {
        self.from.value == "local"
    }

    /// Equality as Blubber's copies merge sees it: the written fields, not where they were.
    pub fn same_as(&self, other: &Artifact) -> bool {
        self.from.value == other.from.value
            && self.source == other.source
            && self.destination == other.destination
            && self.exclude == other.exclude
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Apt {
    /// Packages per target release; `default` means no `-t`. Merge: per key, appended.
    pub packages: BTreeMap<String, Vec<String>>,
    /// Appended on merge.
    pub sources: Vec<AptSource>,
    /// Appended on merge.
    pub proxies: Vec<AptProxy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AptSource {
    pub url: String,
    pub distribution: String,
    pub components: Vec<String>,
    /// ASCII-armoured key text (Blubber v1.2+).
    pub signed_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AptProxy {
    pub url: String,
    /// The source URL this proxy applies to; empty means every source of the proxy's scheme.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// Replace if present. The builder is active only when non-empty.
    pub requirements: Option<Vec<Artifact>>,
    /// `NODE_ENV`; override if non-empty.
    pub env: String,
    pub use_npm_ci: Option<bool>,
    pub allow_dedupe_failure: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Php {
    /// Replace if present. The builder is active only when non-empty.
    pub requirements: Option<Vec<Artifact>>,
    pub production: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Python {
    /// The interpreter command (`python3`); override if non-empty. The builder is active only
    /// when this is set and `requirements` is present.
    pub version: String,
    pub requirements: Option<Vec<Artifact>>,
    pub use_system_site_packages: Option<bool>,
    pub no_deps: Option<bool>,
    pub poetry: Poetry,
    /// venv path (Blubber v1.7+), default `/opt/lib/venv`; override if non-empty.
    pub venv: String,
    pub pip_version: String,
    pub setuptools_version: String,
    pub wheel_version: String,
    pub tox_version: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Poetry {
    /// A version specifier such as `==1.5.1`; enables Poetry when non-empty.
    pub version: String,
    pub devel: Option<bool>,
    pub only: String,
    pub without: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomBuilder {
    /// Replace if present; an empty command means no RUN.
    pub command: Option<Command>,
    /// A script file run directly (Blubber v1.3+); override if non-empty.
    pub script: String,
    pub requirements: Option<Vec<Artifact>>,
    /// Replace if present.
    pub mounts: Option<Vec<Mount>>,
    /// Replace if present.
    pub caches: Option<Vec<Cache>>,
    /// Where `command` and `script` were written, for "not allowed with" errors after merge.
    pub command_span: Option<Span>,
    pub script_span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `[make, "build target"]`: the first word verbatim, the rest quoted.
    Exec(Vec<String>),
    /// `"make build"`: used verbatim as a shell command (Blubber v1.3+).
    Shell(String),
}

impl Command {
    pub fn is_empty(&self) -> bool {
        match self {
            Command::Exec(words) => words.is_empty(),
            Command::Shell(line) => line.is_empty(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    /// `local`, a variant or an image reference.
    pub from: Spanned<String>,
    /// Defaults to `.` (the working directory).
    pub destination: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cache {
    pub destination: String,
    /// Defaults to the destination.
    pub id: String,
    pub access: CacheAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheAccess {
    #[default]
    Shared,
    Locked,
    Private,
}

impl CacheAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheAccess::Shared => "shared",
            CacheAccess::Locked => "locked",
            CacheAccess::Private => "private",
        }
    }
}

/// One entry of `builders:`; exactly one kind per entry.
#[derive(Debug, Clone, PartialEq)]
pub enum BuilderEntry {
    Custom(CustomBuilder),
    Node(Node),
    Php(Php),
    Python(Python),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lives {
    /// Application directory; override if non-empty.
    pub in_dir: String,
    /// User name; override if non-empty.
    pub as_user: String,
    /// Override if non-zero (so a variant cannot set 0; the top level can).
    pub uid: u32,
    pub gid: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Runs {
    pub as_user: String,
    pub uid: u32,
    pub gid: u32,
    /// Final working directory (Blubber v1.4+); override if non-empty.
    pub in_dir: String,
    /// Map union, later wins.
    pub environment: BTreeMap<String, String>,
    pub insecurely: Option<bool>,
}

/// Blubber's defaults, applied to the top level before the user's keys are decoded over it.
pub mod defaults {
    pub const LIVES_IN: &str = "/srv/app";
    pub const LIVES_AS: &str = "somebody";
    pub const LIVES_UID: u32 = 65533;
    pub const LIVES_GID: u32 = 65533;
    pub const RUNS_AS: &str = "runuser";
    pub const RUNS_UID: u32 = 900;
    pub const RUNS_GID: u32 = 900;
    /// The shared library directory, created and owned by the lives user.
    pub const LIB_DIR: &str = "/opt/lib";
    pub const PYTHON_VENV: &str = "/opt/lib/venv";
    pub const POETRY_VENVS: &str = "/opt/lib/poetry";
}

impl Common {
    /// The top-level config before the user's keys: Blubber's defaults.
    pub fn top_level_defaults() -> Self {
        Common {
            lives: Lives {
                in_dir: defaults::LIVES_IN.into(),
                as_user: defaults::LIVES_AS.into(),
                uid: defaults::LIVES_UID,
                gid: defaults::LIVES_GID,
            },
            runs: Runs {
                as_user: defaults::RUNS_AS.into(),
                uid: defaults::RUNS_UID,
                gid: defaults::RUNS_GID,
                insecurely: Some(false),
                ..Runs::default()
            },
            ..Common::default()
        }
    }
}
