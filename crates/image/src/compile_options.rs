//! What a caller can change about the generated Dockerfile.
//!
//! The defaults give `gantry image dockerfile`'s output: Blubber v0.23's text with gantry's
//! version in the label. `gantry image build` also rewrites image references (to use a local
//! mirror) and mounts a CA bundle into every RUN; `gantry run` also mounts package-manager
//! download caches.
//!
//! This module must not read configuration files or the environment; the CLI fills it.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileOptions {
    /// The value of the `blubber.version` label.
    pub version: String,
    /// Rewrites of image references (`FROM`, `COPY --from=<image>`, mounts from images).
    pub images: ImageMap,
    /// An image holding `/ca.crt`; when set, every RUN mounts it and each non-scratch stage
    /// points the usual CA variables at it (see `ca_bundle`).
    pub ca_bundle_image: Option<String>,
    /// Mount BuildKit caches for apt, pip, npm and composer downloads into the RUNs that
    /// install packages (see `package_caches`). Off by default: Blubber's output has none.
    pub package_cache_mounts: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            images: ImageMap::default(),
            ca_bundle_image: None,
            package_cache_mounts: false,
        }
    }
}

/// Image reference rewriting: an exact entry for a reference as written wins; otherwise the
/// longest matching prefix entry replaces that prefix
/// (`docker-registry.wikimedia.org/` → `gantry.local/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageMap {
    exact: BTreeMap<String, String>,
    prefixes: Vec<(String, String)>,
}

impl ImageMap {
    /// Maps `reference` (exactly as written in the spec) to `replacement`.
    pub fn with_exact(mut self, reference: impl Into<String>, replacement: impl Into<String>) -> Self {
        self.exact.insert(reference.into(), replacement.into());
        self
    }

    /// Replaces a leading `prefix` of any reference with `replacement`.
    pub fn with_prefix(mut self, prefix: impl Into<String>, replacement: impl Into<String>) -> Self {
        self.prefixes.push((prefix.into(), replacement.into()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty()
    }

    /// The reference to use for `reference`.
    pub fn rewrite(&self, reference: &str) -> String {
        if let Some(replacement) = self.exact.get(reference) {
            return replacement.clone();
        }
        let longest = self
            .prefixes
            .iter()
            .filter_map(|(prefix, replacement)| reference.strip_prefix(prefix.as_str()).map(|rest| (prefix.len(), replacement, rest)))
            .max_by_key(|(length, _, _)| *length);
        match longest {
            Some((_, replacement, rest)) => format!("{replacement}{rest}"),
            None => reference.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ImageMap;

    #[test]
    fn exact_entries_win_then_the_longest_prefix() {
        let map = ImageMap::default()
            .with_prefix("docker-registry.wikimedia.org/", "gantry.local/")
            .with_prefix("docker-registry.wikimedia.org/releng/", "gantry.local/ci/")
            .with_exact("docker-registry.wikimedia.org/bookworm:20250720", "gantry.local/bookworm:pinned");
        let cases = [
            ("docker-registry.wikimedia.org/bookworm:20250720", "gantry.local/bookworm:pinned"),
            ("docker-registry.wikimedia.org/bookworm", "gantry.local/bookworm"),
            ("docker-registry.wikimedia.org/releng/node20", "gantry.local/ci/node20"),
            ("debian:bookworm", "debian:bookworm"),
        ];
        for (reference, expected) in cases {
            assert_eq!(map.rewrite(reference), expected);
        }
    }
}
