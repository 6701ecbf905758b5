//! [`RegistryHttp`]: the few calls of the OCI distribution API the cache needs — blob
//! exists, blob upload (monolithic), blob download, manifest put and get — over plain
//! HTTP (the local registry; TLS registries are not supported yet). Bodies are buffered:
//! cache entries are small. This module must not know what an entry is.

use std::time::Duration;

use ureq::Agent;

use crate::Digest;

/// Registry calls give up after this long.
const TIMEOUT: Duration = Duration::from_secs(60);

/// `http://HOST:PORT/REPOSITORY` split into `(HOST:PORT, REPOSITORY)`.
pub fn registry_location(url: &str) -> Result<(&str, &str), String> {
    let bad = || format!("a cache registry is `http://HOST:PORT/REPOSITORY`, not {url:?}");
    let rest = url.strip_prefix("http://").ok_or_else(bad)?;
    let (host, repository) = rest.split_once('/').ok_or_else(bad)?;
    let repository = repository.trim_matches('/');
    match host.is_empty() || repository.is_empty() {
        true => Err(bad()),
        false => Ok((host, repository)),
    }
}

#[derive(Debug, Clone)]
pub struct RegistryHttp {
    agent: Agent,
    /// `http://host:port`.
    origin: String,
    /// `gantry/cache`.
    repository: String,
}

impl RegistryHttp {
    /// `url` is `http://host:port/repository/path`.
    pub fn new(url: &str) -> Result<Self, String> {
        let (host, repository) = registry_location(url)?;
        let agent = Agent::config_builder().http_status_as_error(false).timeout_global(Some(TIMEOUT)).build().into();
        Ok(Self { agent, origin: format!("http://{host}"), repository: repository.to_owned() })
    }

    pub fn describe(&self) -> String {
        format!("{}/{}", self.origin, self.repository)
    }

    pub fn has_blob(&self, digest: &Digest) -> Result<bool, String> {
        let url = self.url(&format!("blobs/{digest}"));
        let response = self.agent.head(&url).call().map_err(|e| self.failed("check blob", &e))?;
        Ok(response.status().is_success())
    }

    /// Uploads `bytes` as blob `digest` unless the registry has it.
    pub fn push_blob(&self, digest: &Digest, bytes: &[u8]) -> Result<(), String> {
        if self.has_blob(digest)? {
            return Ok(());
        }
        let start = self.agent.post(&self.url("blobs/uploads/")).send_empty().map_err(|e| self.failed("start an upload", &e))?;
        let location = match (start.status().as_u16(), start.headers().get("location")) {
            (202, Some(location)) => location.to_str().map_err(|_| "the registry sent an unreadable upload location".to_owned())?,
            (status, _) => return Err(format!("{}: starting an upload answered {status}", self.describe())),
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let url = format!("{}{separator}digest={digest}", self.absolute(location));
        let done = self
            .agent
            .put(&url)
            .header("Content-Type", "application/octet-stream")
            .send(bytes)
            .map_err(|e| self.failed("upload a blob", &e))?;
        match done.status().as_u16() {
            201 => Ok(()),
            status => Err(format!("{}: uploading blob {digest} answered {status}", self.describe())),
        }
    }

    /// The blob's bytes, or `None` when the registry does not have it.
    pub fn blob(&self, digest: &Digest) -> Result<Option<Vec<u8>>, String> {
        self.get(&format!("blobs/{digest}"), "*/*")
    }

    pub fn put_manifest(&self, tag: &str, media_type: &str, bytes: &[u8]) -> Result<(), String> {
        let response = self
            .agent
            .put(&self.url(&format!("manifests/{tag}")))
            .header("Content-Type", media_type)
            .send(bytes)
            .map_err(|e| self.failed("push a manifest", &e))?;
        match response.status().as_u16() {
            201 => Ok(()),
            status => {
                let body = response.into_body().read_to_string().unwrap_or_default();
                Err(format!("{}: pushing manifest {tag} answered {status}: {}", self.describe(), body.trim()))
            }
        }
    }

    pub fn manifest(&self, tag: &str, media_type: &str) -> Result<Option<Vec<u8>>, String> {
        self.get(&format!("manifests/{tag}"), media_type)
    }

    fn get(&self, path: &str, accept: &str) -> Result<Option<Vec<u8>>, String> {
        let response = self.agent.get(&self.url(path)).header("Accept", accept).call().map_err(|e| self.failed("fetch", &e))?;
        match response.status().as_u16() {
            200 => {
                let mut body = response.into_body();
                let bytes = body.with_config().limit(u64::MAX).read_to_vec().map_err(|e| self.failed("read", &e))?;
                Ok(Some(bytes))
            }
            404 => Ok(None),
            status => Err(format!("{}: GET {path} answered {status}", self.describe())),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v2/{}/{path}", self.origin, self.repository)
    }

    fn absolute(&self, location: &str) -> String {
        if location.starts_with("http://") || location.starts_with("https://") {
            location.to_owned()
        } else {
            format!("{}{location}", self.origin)
        }
    }

    fn failed(&self, what: &str, error: &ureq::Error) -> String {
        format!("cannot {what} at {}: {error}", self.describe())
    }
}
