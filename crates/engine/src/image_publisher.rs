//! [`ImagePublisher`]: the backend operation "push this image to a registry under a tag".
//!
//! Must not decide names or tags (the executor applies PipelineLib's formats) nor print
//! credentials: [`RegistryAuth`]'s `Debug` hides the password.

use std::fmt;

use crate::{EngineFuture, ImageId};

/// A user name and password (or token) for a registry.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistryAuth {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Pushes images the engine has to OCI registries.
pub trait ImagePublisher: Send + Sync {
    /// Tags `image` as `repository:tag` (`repository` starts with the registry's address,
    /// e.g. `127.0.0.1:5000/wikimedia/app`) and pushes it. Returns the manifest digest the
    /// registry stored (`sha256:…`).
    fn publish<'a>(
        &'a self,
        image: &'a ImageId,
        repository: &'a str,
        tag: &'a str,
        auth: Option<&'a RegistryAuth>,
    ) -> EngineFuture<'a, String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_password() {
        let auth = RegistryAuth {
            username: "ci".into(),
            password: "hunter2".into(),
        };
        assert_eq!(
            format!("{auth:?}"),
            r#"RegistryAuth { username: "ci", password: "<redacted>" }"#
        );
    }
}
