//! [`PreviewSettings`]: where preview environments live on the engine and how their URLs
//! look.
//!
//! Must not read files or the environment; the CLI fills these from flags and settings.

use super::Namespace;

/// The proxy image `scripts/setup-base-images.sh` builds from Debian's nginx.
pub const DEFAULT_PROXY_IMAGE: &str = "gantry.local/bookworm-nginx:1";

/// Settings shared by every environment of one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewSettings {
    pub namespace: Namespace,
    /// The nginx image of the proxy (never pulled).
    pub proxy_image: String,
    /// The host address the proxy's port is published on: `127.0.0.1` keeps previews on
    /// this machine, `0.0.0.0` shares them with the network.
    pub listen_address: String,
    /// The host port of the proxy; 0 lets the engine pick a free one. Only used when the
    /// proxy is created: a running proxy keeps its port.
    pub listen_port: u16,
    /// The host name under which every environment is a subdomain: `localhost` (curl
    /// resolves `*.localhost` to loopback), or a wildcard DNS name for this machine.
    pub public_host: String,
}

impl Default for PreviewSettings {
    fn default() -> Self {
        Self {
            namespace: Namespace::default(),
            proxy_image: DEFAULT_PROXY_IMAGE.to_owned(),
            listen_address: "127.0.0.1".to_owned(),
            listen_port: 8080,
            public_host: "localhost".to_owned(),
        }
    }
}

impl PreviewSettings {
    /// `http://LABEL.PUBLIC_HOST:PORT/`.
    pub fn url(&self, label: &str, port: u16) -> String {
        format!("http://{label}.{}:{port}/", self.public_host)
    }

    /// The address gantry itself uses to reach the proxy (readiness checks): the listen
    /// address, or loopback when it listens on every address.
    pub fn probe_host(&self) -> &str {
        match self.listen_address.as_str() {
            "0.0.0.0" | "" => "127.0.0.1",
            "::" => "::1",
            address => address,
        }
    }
}
