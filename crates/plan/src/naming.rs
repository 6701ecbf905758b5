//! PipelineLib's naming rules for what a pipeline publishes and copies: image names and tags
//! (lower case, `/` → `-`), the name policy, the public registry path, and the sanitizing
//! of `copy` destinations. The executor applies the same functions to values only the run
//! knows.
//!
//! This module must not know about stages or plans.

/// Where PipelineLib's published images are publicly visible.
pub const PUBLIC_IMAGE_PREFIX: &str = "docker-registry.wikimedia.org/wikimedia";

/// The environments `update_version.py` knows; an empty list means all of them.
pub const PROMOTE_ENVIRONMENTS: &[&str] = &["staging", "codfw", "eqiad"];

/// Lower-cases an image name or tag and replaces `/` with `-`, as PipelineLib does.
pub fn sanitize_image_part(text: &str) -> String {
    text.to_lowercase().replace('/', "-")
}

/// `<prefix>/<sanitized name>`: the `imageFullName` binding.
pub fn image_full_name(name: &str) -> String {
    format!("{PUBLIC_IMAGE_PREFIX}/{}", sanitize_image_part(name))
}

/// PipelineLib's name policy: after sanitizing, the image name equals the project or its
/// short name, or starts with one of them followed by `-`.
pub fn image_name_allowed(name: &str, project: &str, project_short_name: &str) -> bool {
    let name = sanitize_image_part(name);
    [sanitize_image_part(project), sanitize_image_part(project_short_name)]
        .iter()
        .filter(|prefix| !prefix.is_empty())
        .any(|prefix| name == *prefix || name.strip_prefix(prefix.as_str()).is_some_and(|rest| rest.starts_with('-')))
}

/// A `copy` destination made relative and kept inside the working directory: leading `/`,
/// `.` and `..` segments are dropped.
pub fn sanitize_relative_path(path: &str) -> String {
    let trailing_slash = path.ends_with('/') && path.len() > 1;
    let kept: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != "." && *s != "..").collect();
    let mut sanitized = kept.join("/");
    if trailing_slash && !sanitized.is_empty() {
        sanitized.push('/');
    }
    sanitized
}

/// Whether `text` is an image ID as PipelineLib's `run` needs it: 64 hex digits.
pub fn is_image_id(text: &str) -> bool {
    text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_pipelinelib() {
        assert_eq!(sanitize_image_part("Mediawiki/Services/Mathoid"), "mediawiki-services-mathoid");
        assert!(image_name_allowed("mathoid", "mediawiki/services/mathoid", "mathoid"));
        assert!(image_name_allowed("mediawiki/services/mathoid", "mediawiki/services/mathoid", "mathoid"));
        assert!(image_name_allowed("mathoid-extra", "mediawiki/services/mathoid", "mathoid"));
        assert!(!image_name_allowed("mathoidx", "mediawiki/services/mathoid", "mathoid"));
        assert_eq!(image_full_name("datahub-gms"), "docker-registry.wikimedia.org/wikimedia/datahub-gms");
    }

    #[test]
    fn destinations_stay_inside() {
        assert_eq!(sanitize_relative_path("/srv/app/../coverage/"), "srv/app/coverage/");
        assert_eq!(sanitize_relative_path("../../etc/passwd"), "etc/passwd");
        assert_eq!(sanitize_relative_path("coverage-reports"), "coverage-reports");
    }
}
