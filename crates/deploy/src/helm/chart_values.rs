//! [`ChartValues`]: the values file gantry writes for a deployment-charts chart — the keys
//! PipelineLib's deploy writes (`docker.registry`, `docker.pull_policy`, `main_app.image`,
//! `main_app.version`), deep-merged with the stage's `overrides`.
//!
//! The file is JSON, which YAML (and so helm) reads as it is: gantry never emits YAML of
//! its own. Must not render the chart.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::DeployError;

/// PipelineLib's registry for deploys to the CI cluster.
pub const PIPELINELIB_REGISTRY: &str = "docker-registry.wikimedia.org";

/// The values of one release.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartValues {
    pub registry: String,
    pub pull_policy: String,
    /// The image name under the registry, e.g. `wikimedia/mathoid`.
    pub image: String,
    /// The image tag.
    pub version: String,
    /// Deep-merged over the keys above (maps merge, anything else replaces).
    pub overrides: Value,
}

impl ChartValues {
    /// PipelineLib's values for `image` (its short name) at `tag`.
    pub fn pipelinelib(image: &str, tag: &str) -> Self {
        Self {
            registry: PIPELINELIB_REGISTRY.into(),
            pull_policy: "IfNotPresent".into(),
            image: format!("wikimedia/{image}"),
            version: tag.into(),
            overrides: Value::Null,
        }
    }

    /// Values for a full reference `registry/name:tag` (e.g. `127.0.0.1:5000/app:v2`); a
    /// reference without a registry host keeps PipelineLib's registry.
    pub fn for_reference(reference: &str) -> Self {
        let (name, tag) = match reference.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')) {
            Some((name, tag)) => (name, tag),
            None => (reference, "latest"),
        };
        let (registry, image) = match name.split_once('/') {
            Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => (host, rest),
            _ => (PIPELINELIB_REGISTRY, name),
        };
        Self { registry: registry.into(), image: image.into(), version: tag.into(), ..Self::pipelinelib("", "") }
    }

    /// The merged values.
    pub fn to_json(&self) -> Value {
        let mut values = json!({
            "docker": {"registry": self.registry, "pull_policy": self.pull_policy},
            "main_app": {"image": self.image, "version": self.version},
        });
        merge(&mut values, &self.overrides);
        values
    }

    /// Writes `values.yaml` into `dir` and returns its path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, DeployError> {
        let path = dir.join("values.yaml");
        let text = format!("# Written by gantry (JSON is YAML).\n{:#}\n", self.to_json());
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|error| DeployError::Invalid(format!("cannot write {}: {error}", path.display())))?;
        Ok(path)
    }
}

/// Helm's rule for values: maps merge key by key, anything else replaces.
pub(crate) fn merge(base: &mut Value, overrides: &Value) {
    match (base, overrides) {
        (Value::Object(base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                merge(base.entry(key.clone()).or_insert_with(|| Value::Object(Map::new())), value);
            }
        }
        (_, Value::Null) => {}
        (base, value) => *base = value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelinelib_values_with_overrides_merged() {
        let mut values = ChartValues::pipelinelib("mathoid", "2026-05-12-175031-production");
        values.overrides = json!({"main_app": {"replicas": 2, "version": "pinned"}, "docker": {"pull_policy": "Always"}});
        assert_eq!(
            values.to_json(),
            json!({
                "docker": {"registry": "docker-registry.wikimedia.org", "pull_policy": "Always"},
                "main_app": {"image": "wikimedia/mathoid", "version": "pinned", "replicas": 2},
            })
        );
    }

    #[test]
    fn references_split_into_registry_image_and_tag() {
        let split = |r| {
            let v = ChartValues::for_reference(r);
            (v.registry, v.image, v.version)
        };
        assert_eq!(split("127.0.0.1:5000/app/web:v2"), ("127.0.0.1:5000".into(), "app/web".into(), "v2".into()));
        assert_eq!(split("wikimedia/mathoid:1"), (PIPELINELIB_REGISTRY.into(), "wikimedia/mathoid".into(), "1".into()));
        assert_eq!(split("localhost:5000/x"), ("localhost:5000".into(), "x".into(), "latest".into()));
    }
}
