//! Publishes an image: tags it in the engine as `repository:tag` and pushes that with the
//! engine (which has the layers), returning the manifest digest the registry stored.
//!
//! Must not pull, and must not put credentials anywhere but the push request's auth header.

use bollard::Docker;
use bollard::auth::DockerCredentials;
use bollard::query_parameters::{PushImageOptionsBuilder, TagImageOptionsBuilder};
use futures_util::StreamExt;
use gantry_engine::{EngineError, ImageId, RegistryAuth};

use crate::api_failure::ApiFailure;

/// Tags `image` as `repository:tag`, pushes it and returns the digest (`sha256:…`).
/// Tags `image` (an ID or a reference) as `repository:tag`.
pub(crate) async fn tag_image(docker: &Docker, image: &str, repository: &str, tag: &str) -> Result<(), EngineError> {
    let options = TagImageOptionsBuilder::default().repo(repository).tag(tag).build();
    docker
        .tag_image(image, Some(options))
        .await
        .map_err(|e| ApiFailure::from(e).engine(format!("tag {image} as {repository}:{tag}")))
}

pub(crate) async fn publish(
    docker: &Docker,
    image: &ImageId,
    repository: &str,
    tag: &str,
    auth: Option<&RegistryAuth>,
) -> Result<String, EngineError> {
    let reference = format!("{repository}:{tag}");
    tag_image(docker, image.as_str(), repository, tag).await?;
    let push = || format!("push {reference}");
    let options = PushImageOptionsBuilder::default().tag(tag).build();
    let mut progress = docker.push_image(
        repository,
        Some(options),
        auth.map(|a| credentials(a, repository)),
    );
    let mut digest = None;
    while let Some(message) = progress.next().await {
        let message = message.map_err(|e| ApiFailure::from(e).engine(push()))?;
        digest = message.status.as_deref().and_then(digest_in).or(digest);
    }
    digest.ok_or_else(|| EngineError::Engine {
        action: push(),
        reason: "the push ended without the registry naming a digest".into(),
    })
}

fn credentials(auth: &RegistryAuth, repository: &str) -> DockerCredentials {
    DockerCredentials {
        username: Some(auth.username.clone()),
        password: Some(auth.password.clone()),
        serveraddress: repository.split('/').next().map(str::to_owned),
        ..DockerCredentials::default()
    }
}

/// The digest in the engine's last push message: `<tag>: digest: sha256:<hex> size: <n>`.
fn digest_in(status: &str) -> Option<String> {
    let (_, after) = status.split_once("digest: ")?;
    let digest = after.split_whitespace().next()?;
    digest.starts_with("sha256:").then(|| digest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_digest_from_the_final_status() {
        let status = "1.0: digest: sha256:4f1c0ffee size: 527";
        assert_eq!(digest_in(status).as_deref(), Some("sha256:4f1c0ffee"));
        assert_eq!(digest_in("Pushing"), None);
        assert_eq!(digest_in("Layer already exists"), None);
    }
}
