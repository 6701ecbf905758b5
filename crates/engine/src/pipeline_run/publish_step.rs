//! The `publish` step: the image pushed to the run's registry under PipelineLib's name and
//! tags (lower-cased, `/` → `-`, empty tags dropped; the name must follow the project name
//! policy), each with the digest the registry stored. Binds `imageName`, `imageFullName`,
//! `imageTag`, `imageTags` and `publishedImage`.
//!
//! Must not print credentials; the registry's auth goes to the backend only.

use gantry_plan::{PublishStep, image_name_allowed, is_image_id, sanitize_image_part};

use crate::{FailureKind, ImageId, PublishedImage, StageFailure};

use super::RunBackend;
use super::stage_run::StageRun;

/// What a publish step pushes, after rendering and PipelineLib's sanitizing.
struct Publication {
    image: ImageId,
    name: String,
    primary_tag: String,
    tags: Vec<String>,
}

impl<B: RunBackend> StageRun<'_, B> {
    pub(super) async fn publish(&mut self, publish: &PublishStep) -> Result<(), StageFailure> {
        let publication = self.publication(publish)?;
        let registry = &self.executor.settings.registry;
        let repository = registry.repository(&publication.name);
        for tag in &publication.tags {
            let digest = self
                .backend()
                .publish(&publication.image, &repository, tag, registry.auth.as_ref())
                .await
                .map_err(|error| StageFailure::from_engine("publish", error))?;
            let reference = format!("{repository}:{tag}");
            self.log(format!("publish: pushed {reference} ({digest})"))
                .await;
            self.output
                .published
                .push(PublishedImage { reference, digest });
        }
        self.bind("imageName", publication.name.clone());
        self.bind("imageFullName", repository.clone());
        self.bind(
            "publishedImage",
            format!(
                "{repository}:{}",
                sanitize_image_part(&publication.primary_tag)
            ),
        );
        self.bind("imageTag", publication.primary_tag);
        self.bind_list("imageTags", publication.tags);
        Ok(())
    }

    fn publication(&self, publish: &PublishStep) -> Result<Publication, StageFailure> {
        let scope = self.scope();
        let id = scope.render("publish.image.id", &publish.image_id)?;
        let id = id.trim_start_matches("sha256:");
        if !is_image_id(id) {
            return Err(invalid(format!(
                "publish.image.id: {id:?} is not an image ID; name a built image as '${{<stage>.imageID}}'"
            )));
        }
        let name = sanitize_image_part(&scope.render("publish.image.name", &publish.name)?);
        let (project, short) = (
            scope.setup_value("project"),
            scope.setup_value("projectShortName"),
        );
        if !image_name_allowed(&name, project, short) {
            return Err(invalid(format!(
                "publish.image.name: {name:?} is not allowed for project {project:?}; published images are named {:?}, {short:?}, or one of them followed by `-` and a suffix",
                sanitize_image_part(project)
            )));
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in publish.all_tags() {
            let tag = sanitize_image_part(&scope.render("publish.image.tags", tag)?);
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.is_empty() {
            return Err(invalid(
                "publish.image: every tag is empty, so nothing can be pushed".into(),
            ));
        }
        let primary_tag = scope.render("publish.image.tag", &publish.tag)?;
        Ok(Publication {
            image: ImageId::new(format!("sha256:{id}")),
            name,
            primary_tag,
            tags,
        })
    }
}

fn invalid(message: String) -> StageFailure {
    StageFailure::new(FailureKind::Invalid, message)
}
