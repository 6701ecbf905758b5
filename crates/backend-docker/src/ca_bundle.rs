//! Imports a CA bundle as a tiny local image that Dockerfiles can bind-mount.
//!
//! Builds behind a TLS-intercepting proxy need the host's CA bundle, and bollard 0.21.1
//! cannot pass BuildKit secrets on the streaming build path. So the bundle becomes an
//! image (`/ca.crt` only) made with the engine's import API — no registry, no pull — and
//! each `RUN` mounts it:
//! `RUN --mount=type=bind,from=gantry.local/ca-bundle:<hash>,source=/ca.crt,target=/run/gantry/ca.crt`.
//! A bind mount is not part of the layer, so the bundle never ends up in the built image.
//! This module must not write Dockerfiles; the image compiler does.

use bollard::Docker;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::TryStreamExt;
use gantry_engine::EngineError;
use sha2::{Digest, Sha256};

use crate::api_failure::ApiFailure;

/// The repository of CA bundle images; the tag is a prefix of the bundle's SHA-256.
pub const CA_BUNDLE_REPOSITORY: &str = "gantry.local/ca-bundle";

/// The path of the bundle inside a CA bundle image.
pub const CA_BUNDLE_FILE: &str = "/ca.crt";

/// Creates `gantry.local/ca-bundle:<first 12 hex digits of sha256(pem)>` holding `pem` at
/// [`CA_BUNDLE_FILE`] unless it exists, and returns that reference.
pub(crate) async fn import_ca_bundle(docker: &Docker, pem: &[u8]) -> Result<String, EngineError> {
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(EngineError::CaBundle {
            reason: "it contains no PEM certificate".into(),
        });
    }
    let tag = &hex::encode(Sha256::digest(pem))[..12];
    let reference = format!("{CA_BUNDLE_REPOSITORY}:{tag}");
    let action = || format!("import the CA bundle as {reference}");
    match docker
        .inspect_image(&reference)
        .await
        .map_err(ApiFailure::from)
    {
        Ok(_) => return Ok(reference),
        Err(failure) if failure.is_not_found() => {}
        Err(failure) => return Err(failure.engine(action())),
    }
    let options = CreateImageOptionsBuilder::default()
        .from_src("-")
        .repo(CA_BUNDLE_REPOSITORY)
        .tag(tag)
        .message("gantry CA bundle")
        .build();
    let root_fs = bundle_tar(pem).map_err(|e| EngineError::CaBundle {
        reason: e.to_string(),
    })?;
    docker
        .create_image(
            Some(options),
            Some(bollard::body_full(root_fs.into())),
            None,
        )
        .try_collect::<Vec<_>>()
        .await
        .map_err(|e| ApiFailure::from(e).engine(action()))?;
    docker
        .inspect_image(&reference)
        .await
        .map_err(|e| ApiFailure::from(e).engine(action()))?;
    Ok(reference)
}

/// A tar holding only `ca.crt` (0644, root, epoch mtime) so equal bundles give equal layers.
fn bundle_tar(pem: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut header = tar::Header::new_gnu();
    header.set_size(pem.len() as u64);
    header.set_mode(0o644);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    let mut builder = tar::Builder::new(Vec::new());
    builder.append_data(&mut header, CA_BUNDLE_FILE.trim_start_matches('/'), pem)?;
    builder.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_tar_holds_only_the_file() {
        let tar = bundle_tar(b"pem").unwrap();
        let mut archive = tar::Archive::new(tar.as_slice());
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["ca.crt"]);
        assert_eq!(
            bundle_tar(b"pem").unwrap(),
            tar,
            "the same bundle gives the same bytes"
        );
    }
}
