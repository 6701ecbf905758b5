//! [`Promotion`]: one chart's new image version, with where the image came from — the
//! branch it goes on and the commit message that names the image digest and the source
//! commit.
//!
//! Must not touch git or files; [`Promoter`](super::Promoter) does.

use crate::ImageRef;

use super::VersionUpdate;

/// PipelineLib's promote entry (`chart`, `environments`, `version`) plus its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    pub chart: String,
    /// Empty: every environment.
    pub environments: Vec<String>,
    /// The value written to the values key (PipelineLib: the image tag).
    pub version: String,
    /// The image, pinned to its digest when known.
    pub image: ImageRef,
    /// The commit the image was built from.
    pub source_commit: String,
    /// Where that commit lives, when known (a URL or a repository name).
    pub source_repository: Option<String>,
}

impl Promotion {
    /// The branch the change goes on: `gantry-promote/<chart>/<version>`, with characters
    /// git does not allow in branch names replaced by `-`.
    pub fn branch(&self) -> String {
        let clean = |text: &str| -> String {
            let kept: String = text
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' })
                .collect();
            kept.replace("..", "-").trim_matches(['.', '-']).to_owned()
        };
        format!("gantry-promote/{}/{}", clean(&self.chart), clean(&self.version))
    }

    /// PipelineLib's first two paragraphs, then the image and the source commit; a Gerrit
    /// `Change-Id` footer when `change_id` is given.
    pub fn commit_message(&self, change_id: Option<&str>) -> String {
        let scope = match self.environments.is_empty() {
            true => String::new(),
            false => format!(" in {}", self.environments.join(", ")),
        };
        let mut footer = vec![format!("Image: {}", self.image.pinned()), format!("Source-Commit: {}", self.source_commit)];
        if let Some(repository) = &self.source_repository {
            footer.push(format!("Source-Repository: {repository}"));
        }
        if let Some(change_id) = change_id {
            footer.push(format!("Change-Id: {change_id}"));
        }
        format!(
            "{chart}: pipeline bot promote\n\nPromote {chart} to version {version}{scope}\n\n{}\n",
            footer.join("\n"),
            chart = self.chart,
            version = self.version
        )
    }

    /// The file edits, with `update_version.py`'s defaults.
    pub fn update(&self) -> VersionUpdate {
        VersionUpdate::new(&self.chart, &self.version, self.environments.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promotion() -> Promotion {
        Promotion {
            chart: "mathoid".into(),
            environments: vec!["staging".into()],
            version: "2026-05-12-175031-production".into(),
            image: ImageRef::new("docker-registry.wikimedia.org/wikimedia/mathoid:2026-05-12-175031-production")
                .with_digest("sha256:0123"),
            source_commit: "abc123".into(),
            source_repository: None,
        }
    }

    #[test]
    fn names_the_image_digest_and_the_source_commit() {
        assert_eq!(
            promotion().commit_message(None),
            "mathoid: pipeline bot promote\n\n\
             Promote mathoid to version 2026-05-12-175031-production in staging\n\n\
             Image: docker-registry.wikimedia.org/wikimedia/mathoid:2026-05-12-175031-production@sha256:0123\n\
             Source-Commit: abc123\n"
        );
    }

    #[test]
    fn branch_names_are_valid_git_refs() {
        assert_eq!(promotion().branch(), "gantry-promote/mathoid/2026-05-12-175031-production");
        let odd = Promotion { chart: "a b".into(), version: "..v:1~^".into(), ..promotion() };
        assert_eq!(odd.branch(), "gantry-promote/a-b/v-1");
    }
}
