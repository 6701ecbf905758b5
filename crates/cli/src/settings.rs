//! gantry's settings files: the user's (`$XDG_CONFIG_HOME/gantry/config.toml`) and the
//! repository's (`.pipeline/gantry.toml`), later wins; flags override both.
//!
//! Only what commands need today lives here: the base-image map, the CA bundle, the
//! registry `gantry run` publishes to, and where a pipeline's `deploy` and `promote` steps
//! go. This module must not interpret the values (no file reads beyond the settings files
//! themselves).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings after layering the files.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    /// `FROM` references (or prefixes ending in `/`) mapped to what this machine has.
    pub base_map: BTreeMap<String, String>,
    /// A CA bundle to make available to package installs during builds.
    pub ca_bundle: Option<PathBuf>,
    /// Where `publish` pushes images (`[registry]`).
    pub registry: RegistrySettings,
    /// Where `deploy` steps put releases (`[deploy]`).
    pub deploy: DeploySettings,
    /// Where `promote` steps propose versions (`[promote]`).
    pub promote: PromoteSettings,
}

/// `[deploy]`: the target of a pipeline's `deploy` steps and its options.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeploySettings {
    /// `docker` (a preview environment on this host, with a URL) or `kubernetes` (a CI
    /// release through helm, removed when the run ends).
    pub target: Option<StepTarget>,
    /// docker: how long a preview environment from a pipeline lives (default 1d).
    pub ttl: Option<String>,
    /// docker: the application's port in its container, unless `overrides.main_app.port` says.
    pub port: Option<u16>,
    /// kubernetes: the namespace of CI releases (default `ci`).
    pub namespace: Option<String>,
    pub kubeconfig: Option<PathBuf>,
    pub kube_context: Option<String>,
    /// kubernetes: `--repo` for charts not found in `charts-dir`.
    pub chart_repo: Option<String>,
    /// kubernetes: a directory of chart directories, searched first (and linted).
    pub charts_dir: Option<PathBuf>,
}

/// The kinds of target a pipeline's `deploy` step can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum StepTarget {
    Docker,
    Kubernetes,
}

/// `[promote]`: the deployment-charts repository and how changes are proposed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PromoteSettings {
    /// A git URL or path.
    pub charts_repository: Option<String>,
    /// The branch to start from (default: the remote's default branch).
    pub base: Option<String>,
    /// Push a Gerrit change with this topic instead of a branch.
    pub gerrit_topic: Option<String>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
}

/// `[registry]`: the address, the path images go under, and where the credentials are (by
/// name: environment variables or a file, never the secret itself).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RegistrySettings {
    pub address: Option<String>,
    pub namespace: Option<String>,
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    #[serde(default)]
    images: ImagesSection,
    registry: Option<RegistrySettings>,
    deploy: Option<DeploySettings>,
    promote: Option<PromoteSettings>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ImagesSection {
    #[serde(default)]
    base_map: BTreeMap<String, String>,
    ca_bundle: Option<PathBuf>,
}

impl Settings {
    /// Reads the user's and the repository's settings files, in that order.
    pub fn load(repo_dir: &Path) -> Result<Settings, String> {
        let mut settings = Settings::default();
        let user_file = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
            .map(|dir| dir.join("gantry/config.toml"));
        for path in user_file.into_iter().chain([repo_dir.join(".pipeline/gantry.toml")]) {
            settings.layer(&path)?;
        }
        Ok(settings)
    }

    fn layer(&mut self, path: &Path) -> Result<(), String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let file: SettingsFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.base_map.extend(file.images.base_map);
        if let Some(registry) = file.registry {
            self.registry.layer(registry, path);
        }
        if let Some(deploy) = file.deploy {
            self.deploy.layer(deploy, path);
        }
        if let Some(promote) = file.promote {
            self.promote.layer(promote, path);
        }
        if let Some(bundle) = file.images.ca_bundle {
            // A relative bundle path is relative to the file that names it.
            let base = path.parent().unwrap_or(Path::new("."));
            self.ca_bundle = Some(base.join(bundle));
        }
        Ok(())
    }
}

impl RegistrySettings {
    /// Fields `later` sets win; a relative password file is relative to the file naming it.
    fn layer(&mut self, later: RegistrySettings, file: &Path) {
        let base = file.parent().unwrap_or(Path::new("."));
        self.address = later.address.or(self.address.take());
        self.namespace = later.namespace.or(self.namespace.take());
        self.username_env = later.username_env.or(self.username_env.take());
        self.password_env = later.password_env.or(self.password_env.take());
        self.password_file = later.password_file.map(|f| base.join(f)).or(self.password_file.take());
    }
}

impl DeploySettings {
    /// Fields `later` sets win; relative paths are relative to the file naming them.
    fn layer(&mut self, later: DeploySettings, file: &Path) {
        let base = file.parent().unwrap_or(Path::new("."));
        self.target = later.target.or(self.target);
        self.ttl = later.ttl.or(self.ttl.take());
        self.port = later.port.or(self.port);
        self.namespace = later.namespace.or(self.namespace.take());
        self.kubeconfig = later.kubeconfig.map(|f| base.join(f)).or(self.kubeconfig.take());
        self.kube_context = later.kube_context.or(self.kube_context.take());
        self.chart_repo = later.chart_repo.or(self.chart_repo.take());
        self.charts_dir = later.charts_dir.map(|d| base.join(d)).or(self.charts_dir.take());
    }
}

impl PromoteSettings {
    /// Fields `later` sets win; a repository given as a relative path is relative to the
    /// file naming it (a URL stays as written).
    fn layer(&mut self, later: PromoteSettings, file: &Path) {
        let base = file.parent().unwrap_or(Path::new("."));
        let repository = later.charts_repository.map(|repo| match repo.contains(':') || Path::new(&repo).is_absolute() {
            true => repo,
            false => base.join(repo).display().to_string(),
        });
        self.charts_repository = repository.or(self.charts_repository.take());
        self.base = later.base.or(self.base.take());
        self.gerrit_topic = later.gerrit_topic.or(self.gerrit_topic.take());
        self.author_name = later.author_name.or(self.author_name.take());
        self.author_email = later.author_email.or(self.author_email.take());
    }
}
