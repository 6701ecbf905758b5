//! [`EnvironmentFile`]: a file copied into a container before it starts (release config
//! files, secrets, the proxy's nginx configuration), and the upload that does it.
//!
//! Must not read the host's file system: contents travel in memory.

use std::collections::BTreeSet;
use std::path::Path;

use bollard::Docker;
use bollard::query_parameters::UploadToContainerOptionsBuilder;

use super::docker_failure::{DockerFailure, TARGET};
use crate::DeployError;

/// A file at an absolute path inside the container.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvironmentFile {
    pub path: String,
    pub content: Vec<u8>,
    /// Unix permissions, e.g. `0o644`, or `0o400` for a secret.
    pub mode: u32,
}

impl std::fmt::Debug for EnvironmentFile {
    /// Without the content, which may be a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnvironmentFile({}, {} bytes, {:o})", self.path, self.content.len(), self.mode)
    }
}

impl EnvironmentFile {
    /// A readable file with `text`.
    pub fn text(path: impl Into<String>, text: &str) -> Self {
        Self { path: path.into(), content: text.as_bytes().to_vec(), mode: 0o644 }
    }
}

/// Copies `files` into `container` (created or running) through the engine's archive API.
pub(crate) async fn upload_files(docker: &Docker, container: &str, files: &[EnvironmentFile]) -> Result<(), DeployError> {
    if files.is_empty() {
        return Ok(());
    }
    let archive = archive(files).map_err(|error| DeployError::Engine {
        target: TARGET.into(),
        operation: format!("pack the files for {container}"),
        reason: error.to_string(),
    })?;
    let options = UploadToContainerOptionsBuilder::default().path("/").build();
    docker
        .upload_to_container(container, Some(options), bollard::body_full(archive.into()))
        .await
        .map_err(|error| DockerFailure::from(error).refused(format!("copy files into {container}")))
}

/// A tar of `files` and their parent directories, paths relative to `/`.
fn archive(files: &[EnvironmentFile]) -> std::io::Result<Vec<u8>> {
    let relative = |path: &str| path.trim_start_matches('/').to_owned();
    let mut dirs = BTreeSet::new();
    for file in files {
        let path = relative(&file.path);
        dirs.extend(Path::new(&path).ancestors().skip(1).filter(|dir| !dir.as_os_str().is_empty()).map(Path::to_path_buf));
    }
    let mut archive = tar::Builder::new(Vec::new());
    for dir in dirs {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
        header.set_size(0);
        archive.append_data(&mut header, dir, std::io::empty())?;
    }
    for file in files {
        let mut header = tar::Header::new_gnu();
        header.set_mode(file.mode);
        header.set_size(file.content.len() as u64);
        archive.append_data(&mut header, relative(&file.path), file.content.as_slice())?;
    }
    archive.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_files_under_their_parent_directories() {
        let files = [EnvironmentFile::text("/etc/app/conf.d/a.json", "{}"), EnvironmentFile::text("/etc/app/b", "x")];
        let bytes = archive(&files).unwrap();
        let mut tar = tar::Archive::new(bytes.as_slice());
        let paths: Vec<String> = tar.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert_eq!(paths, ["etc", "etc/app", "etc/app/conf.d", "etc/app/conf.d/a.json", "etc/app/b"]);
    }
}
