//! gantry's settings files: the user's (`$XDG_CONFIG_HOME/gantry/config.toml`) and the
//! repository's (`.pipeline/gantry.toml`), later wins; flags override both.
//!
//! Only what commands need today lives here: the base-image map, the CA bundle and the
//! registry `gantry run` publishes to. This module must not interpret the values (no file
//! reads beyond the settings files themselves).

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
