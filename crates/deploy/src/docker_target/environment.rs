//! [`Environment`]: a preview environment as the engine reports it: where it answers, what
//! it runs and until when.
//!
//! Must not render; the CLI prints environments.

use time::OffsetDateTime;

/// One running (or stopped) preview environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    /// `http://NAME.HOST:PORT/`, through the proxy.
    pub url: String,
    /// The URL of this release only (`NAME--RELEASE`), which keeps answering from this
    /// container while a newer release replaces it.
    pub release_url: String,
    pub image: String,
    pub port: u16,
    /// The release id: a new one on every `env up` of the same name.
    pub release: String,
    pub container: String,
    pub running: bool,
    pub created_at: Option<OffsetDateTime>,
    /// `None`: no TTL; the environment stays until taken down.
    pub expires_at: Option<OffsetDateTime>,
    pub commit: Option<String>,
}

impl Environment {
    /// Whether the TTL has run out at `now`.
    pub fn expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|expiry| expiry <= now)
    }
}
