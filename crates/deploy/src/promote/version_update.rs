//! [`VersionUpdate`]: what deployment-charts' `update_version/update_version.py -s CHART
//! -v VERSION [-e ENV]…` does to a checkout, in Rust: set the image version key of one
//! chart for some or all environments.
//!
//! New layout (`helmfile.d/services/<chart>/` exists): for every environment at once, the
//! key is set in `values.yaml` and removed from each `values-<env>.yaml` (files left empty
//! are deleted); for some environments, it is set in each `values-<env>.yaml` (created when
//! missing). Old layout: `helmfile.d/services/<env>/<chart>/values.yaml` per environment.
//!
//! Must not run git; it only edits files of a checkout.

use std::path::{Path, PathBuf};

use super::{PromoteError, ValuesFile, ValuesKey};

/// The environments `update_version.py` knows; an empty list means all of them.
pub const DEFAULT_ENVIRONMENTS: [&str; 3] = ["staging", "codfw", "eqiad"];

/// One chart's version, for some or all environments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionUpdate {
    pub chart: String,
    pub version: String,
    /// Empty: every known environment.
    pub environments: Vec<String>,
    pub key: ValuesKey,
    /// The repository's environments (default [`DEFAULT_ENVIRONMENTS`]).
    pub known_environments: Vec<String>,
}

impl VersionUpdate {
    /// `main_app.version` of `chart` for `environments` (empty: all), with the
    /// environments `update_version.py` knows.
    pub fn new(chart: impl Into<String>, version: impl Into<String>, environments: Vec<String>) -> Self {
        Self {
            chart: chart.into(),
            version: version.into(),
            environments,
            key: ValuesKey::main_app_version(),
            known_environments: DEFAULT_ENVIRONMENTS.map(String::from).to_vec(),
        }
    }

    /// Edits the files under `checkout`; returns the paths (relative to it) that changed or
    /// were deleted, in order.
    pub fn apply(&self, checkout: &Path) -> Result<Vec<PathBuf>, PromoteError> {
        self.validate()?;
        let services = Path::new("helmfile.d/services");
        let chart_dir = services.join(&self.chart);
        let mut changed = Vec::new();
        if checkout.join(&chart_dir).is_dir() {
            if self.all_environments() {
                self.edit(checkout, &chart_dir.join("values.yaml"), Edit::Set, &mut changed)?;
                for env in &self.known_environments {
                    self.edit(checkout, &chart_dir.join(format!("values-{env}.yaml")), Edit::Remove, &mut changed)?;
                }
            } else {
                for env in &self.environments {
                    self.edit(checkout, &chart_dir.join(format!("values-{env}.yaml")), Edit::Set, &mut changed)?;
                }
            }
            return Ok(changed);
        }
        let old_layout: Vec<PathBuf> = self.targets().map(|env| services.join(env).join(&self.chart)).collect();
        if !old_layout.iter().any(|dir| checkout.join(dir).is_dir()) {
            return Err(PromoteError::Invalid(format!(
                "chart {} is neither at {} nor at helmfile.d/services/<env>/{} in the deployment-charts checkout",
                self.chart,
                chart_dir.display(),
                self.chart
            )));
        }
        for dir in old_layout {
            self.edit(checkout, &dir.join("values.yaml"), Edit::Set, &mut changed)?;
        }
        Ok(changed)
    }

    fn validate(&self) -> Result<(), PromoteError> {
        let safe = |text: &str| !text.is_empty() && !text.contains(['/', '\\']) && text != "." && text != "..";
        if !safe(&self.chart) {
            return Err(PromoteError::Invalid(format!("chart name {:?} is not a directory name", self.chart)));
        }
        if let Some(unknown) = self.environments.iter().find(|env| !self.known_environments.contains(env)) {
            return Err(PromoteError::Invalid(format!(
                "environment {unknown:?} is not one of {}",
                self.known_environments.join(", ")
            )));
        }
        Ok(())
    }

    fn all_environments(&self) -> bool {
        self.environments.is_empty() || self.known_environments.iter().all(|env| self.environments.contains(env))
    }

    fn targets(&self) -> impl Iterator<Item = &String> {
        let all = self.environments.is_empty();
        self.known_environments.iter().filter(move |env| all || self.environments.contains(env))
    }

    fn edit(&self, checkout: &Path, relative: &Path, edit: Edit, changed: &mut Vec<PathBuf>) -> Result<(), PromoteError> {
        let path = checkout.join(relative);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && edit == Edit::Remove => return Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(PromoteError::io(&path, error)),
        };
        let mut file = ValuesFile::new(relative.display().to_string(), text);
        let edited = match edit {
            Edit::Set => file.set(&self.key, &self.version)?,
            Edit::Remove => file.remove(&self.key)?,
        };
        if !edited {
            return Ok(());
        }
        if edit == Edit::Remove && file.is_empty()? {
            std::fs::remove_file(&path).map_err(|error| PromoteError::io(&path, error))?;
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|error| PromoteError::io(dir, error))?;
            }
            std::fs::write(&path, file.text()).map_err(|error| PromoteError::io(&path, error))?;
        }
        changed.push(relative.to_owned());
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Set,
    Remove,
}
