//! Copies a path out of a container into a directory on this machine, as `docker cp
//! CONTAINER:SOURCE DESTINATION` does: the engine sends a tar whose entries start with the
//! source's last component; that component becomes `DESTINATION`. A trailing `/` on the
//! source (`dir/`) copies the directory's contents.
//!
//! Must not write outside the destination: only plain files and directories are written,
//! and entries with `..` or absolute paths are refused.

use std::io;
use std::path::{Component, Path, PathBuf};

use bollard::Docker;
use bollard::query_parameters::DownloadFromContainerOptionsBuilder;
use futures_util::TryStreamExt;
use gantry_engine::EngineError;

use crate::api_failure::ApiFailure;

/// Copies `source` out of `container` to `destination`; returns the files written.
pub(crate) async fn copy_out(
    docker: &Docker,
    container: &str,
    source: &str,
    destination: &Path,
) -> Result<Vec<PathBuf>, EngineError> {
    let path = match source.ends_with('/') {
        true => format!("{source}."),
        false => source.to_owned(),
    };
    let options = DownloadFromContainerOptionsBuilder::default()
        .path(&path)
        .build();
    let archive: Vec<u8> = docker
        .download_from_container(container, Some(options))
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await
        .map_err(|e| {
            ApiFailure::from(e).engine(format!("copy {source} out of container {container}"))
        })?;
    let target = destination.to_path_buf();
    tokio::task::spawn_blocking(move || unpack(&archive, &target))
        .await
        .map_err(|e| e.to_string())
        .and_then(|unpacked| unpacked.map_err(|e| e.to_string()))
        .map_err(|reason| EngineError::Engine {
            action: format!("write {} from container {container}", destination.display()),
            reason,
        })
}

/// Writes the archive's files under `destination`, replacing each entry's first component.
fn unpack(archive: &[u8], destination: &Path) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for entry in tar::Archive::new(archive).entries()? {
        let mut entry = entry?;
        let relative = below_first_component(&entry.path()?)?;
        let target = match relative.as_os_str().is_empty() {
            true => destination.to_path_buf(),
            false => destination.join(&relative),
        };
        match entry.header().entry_type() {
            tar::EntryType::Directory => std::fs::create_dir_all(&target)?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                entry.unpack(&target)?;
                written.push(target);
            }
            _ => {}
        }
    }
    Ok(written)
}

/// `coverage/html/index.html` → `html/index.html`; `./x` → `x`; `report.xml` → ``.
fn below_first_component(path: &Path) -> io::Result<PathBuf> {
    let mut components = path.components();
    components.next();
    let rest = components.as_path();
    if rest
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        Ok(rest.to_path_buf())
    } else {
        Err(io::Error::other(format!(
            "refusing the archive entry {}",
            path.display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, contents) in entries {
            let mut header = tar::Header::new_gnu();
            match contents {
                Some(text) => {
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_size(text.len() as u64);
                    header.set_mode(0o644);
                    builder
                        .append_data(&mut header, path, text.as_bytes())
                        .unwrap();
                }
                None => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_size(0);
                    header.set_mode(0o755);
                    builder.append_data(&mut header, path, &[][..]).unwrap();
                }
            }
        }
        builder.into_inner().unwrap()
    }

    #[test]
    fn the_first_component_becomes_the_destination() {
        let dir = tempfile::tempdir().unwrap();
        let files = archive(&[
            ("coverage", None),
            ("coverage/html", None),
            ("coverage/html/index.html", Some("ok")),
        ]);
        let written = unpack(&files, &dir.path().join("out")).unwrap();
        assert_eq!(written, [dir.path().join("out/html/index.html")]);
        let single = unpack(
            &archive(&[("report.xml", Some("<x/>"))]),
            &dir.path().join("r.xml"),
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&single[0]).unwrap(), "<x/>");
    }

    #[test]
    fn entries_that_climb_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(1);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.as_gnu_mut().unwrap().name[..14].copy_from_slice(b"x/../../escape");
        header.set_cksum();
        builder.append(&header, &b"!"[..]).unwrap();
        let bytes = builder.into_inner().unwrap();
        assert!(unpack(&bytes, &dir.path().join("out")).is_err());
        assert!(!dir.path().join("escape").exists());
    }
}
