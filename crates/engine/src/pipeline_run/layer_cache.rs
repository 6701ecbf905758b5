//! [`LayerCache`]: image layers shared through a registry with BuildKit's inline cache —
//! every build names its variant's image in the registry as `--cache-from`, and with `push`
//! (CI) the built image is pushed there with inline cache metadata, so that another machine
//! reuses its layers (a lockfile change does not reinstall what did not change).
//!
//! Must not fail a stage: layers are an optimisation, so a failed push is only logged.

use gantry_plan::sanitize_image_part;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerCache {
    /// Where layer images live, e.g. `127.0.0.1:5000/gantry/cache/layers`.
    pub repository: String,
    /// Push each built image there (CI); without it builds only read (laptops).
    pub push: bool,
}

impl LayerCache {
    /// The layer image of `variant` in `project`: `(<repository>/<project>, <variant>)`.
    pub fn image(&self, project: &str, variant: &str) -> (String, String) {
        let project = match sanitize_image_part(project) {
            name if name.is_empty() => "default".to_owned(),
            name => name,
        };
        (format!("{}/{project}", self.repository.trim_end_matches('/')), sanitize_image_part(variant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_repository_per_project_one_tag_per_variant() {
        let cache = LayerCache { repository: "127.0.0.1:5000/gantry/cache/layers/".into(), push: false };
        assert_eq!(
            cache.image("mediawiki/services/Mathoid", "production"),
            ("127.0.0.1:5000/gantry/cache/layers/mediawiki-services-mathoid".into(), "production".into())
        );
    }
}
