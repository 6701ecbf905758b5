//! [`HttpProbe`]: one HTTP GET with a chosen Host header, sent to the preview proxy as a
//! browser on the network would send it (`*.localhost` needs no DNS this way).
//!
//! Must not follow redirects, retry or use TLS: callers decide what a response means.

use std::time::Duration;

use tokio::net::TcpStream;

use super::proxy_config::UNAVAILABLE_PAGE;
use crate::canary::HttpResponse;

/// Where to connect: the proxy's host address and published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProbe {
    host: String,
    port: u16,
    timeout: Duration,
}

/// The parts of a response gantry looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResponse {
    pub status: u16,
    /// The proxy could not reach the environment (its own 502 page), as opposed to an
    /// answer of the application itself.
    pub unavailable: bool,
    pub body: String,
}

impl HttpProbe {
    /// A probe of `host:port` that gives up after 5 seconds.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self { host: host.into(), port, timeout: Duration::from_secs(5) }
    }

    /// `GET path` with `Host: host_header`; the error says what failed.
    pub async fn get(&self, host_header: &str, path: &str) -> Result<ProbeResponse, String> {
        let connect = TcpStream::connect((self.host.as_str(), self.port));
        let stream = tokio::time::timeout(self.timeout, connect)
            .await
            .map_err(|_| format!("no connection to {}:{} within 5 s", self.host, self.port))?
            .map_err(|error| format!("cannot connect to {}:{}: {error}", self.host, self.port))?;
        let response = HttpResponse::get(stream, host_header, path, self.timeout).await?;
        let unavailable = response.status == 502 && response.body.starts_with(UNAVAILABLE_PAGE);
        Ok(ProbeResponse { status: response.status, unavailable, body: response.body })
    }
}
