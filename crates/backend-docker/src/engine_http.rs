//! [`EngineHttp`]: plain HTTP/1.1 calls to the engine for what bollard 0.21.1 cannot do.
//!
//! A BuildKit build whose context comes from gantry's own file-sync session needs two calls
//! bollard does not offer: `POST /session` upgraded to h2c (gantry serves gRPC on it) and
//! `POST /build?remote=client-session` without bollard starting a session of its own. This
//! module makes those two raw calls and nothing else; everything else goes through bollard.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1;
use hyper::upgrade::Upgraded;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::task::JoinHandle;

/// Where the engine listens, as far as raw calls are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

/// Raw HTTP access to one engine, with the negotiated API version in every path.
#[derive(Debug, Clone)]
pub(crate) struct EngineHttp {
    endpoint: Endpoint,
    api_version: String,
}

impl EngineHttp {
    /// For the engine at `host` (`unix:///path` or `tcp://host:port`), speaking API
    /// `api_version` (e.g. `1.41`).
    pub(crate) fn new(host: &str, api_version: &str) -> Result<Self, String> {
        let endpoint = if let Some(path) = host.strip_prefix("unix://") {
            Endpoint::Unix(PathBuf::from(path))
        } else if let Some(address) = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
        {
            Endpoint::Tcp(address.trim_end_matches('/').to_owned())
        } else {
            return Err(format!(
                "gantry builds images only through unix:// or plain tcp:// engine addresses, not {host}"
            ));
        };
        Ok(Self {
            endpoint,
            api_version: api_version.to_owned(),
        })
    }

    /// `POST /session` with `headers`, upgraded to h2c; returns the raw connection.
    pub(crate) async fn upgrade(
        &self,
        path: &str,
        headers: &[(&str, String)],
    ) -> Result<SessionIo, String> {
        let mut request = self
            .request(path)
            .header("Connection", "Upgrade")
            .header("Upgrade", "h2c");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request.body(Empty::new()).map_err(|e| e.to_string())?;
        let (response, connection) = self.send(request).await?;
        if response.status() != StatusCode::SWITCHING_PROTOCOLS {
            return Err(error_text(response).await);
        }
        let upgraded = hyper::upgrade::on(response)
            .await
            .map_err(|e| e.to_string())?;
        Ok(SessionIo {
            io: TokioIo::new(upgraded),
            _connection: connection,
        })
    }

    /// `POST path` with an empty body; returns the streaming response body once the engine
    /// answered 200.
    pub(crate) async fn post_stream(&self, path: &str) -> Result<ResponseStream, String> {
        let request = self
            .request(path)
            .header("Content-Type", "application/x-tar")
            .body(Empty::new())
            .map_err(|e| e.to_string())?;
        let (response, connection) = self.send(request).await?;
        if response.status() != StatusCode::OK {
            return Err(error_text(response).await);
        }
        Ok(ResponseStream {
            body: response.into_body(),
            _connection: connection,
        })
    }

    fn request(&self, path: &str) -> hyper::http::request::Builder {
        Request::post(format!("/v{}{path}", self.api_version)).header("Host", "docker")
    }

    async fn send(
        &self,
        request: Request<Empty<Bytes>>,
    ) -> Result<(hyper::Response<Incoming>, Connection), String> {
        let io = match &self.endpoint {
            Endpoint::Unix(path) => {
                Stream::Unix(UnixStream::connect(path).await.map_err(|e| e.to_string())?)
            }
            Endpoint::Tcp(address) => Stream::Tcp(
                TcpStream::connect(address)
                    .await
                    .map_err(|e| e.to_string())?,
            ),
        };
        let (mut sender, connection) = http1::handshake(TokioIo::new(io))
            .await
            .map_err(|e| e.to_string())?;
        let connection = Connection(tokio::spawn(async move {
            // Errors surface through the request or the body; the task only drives I/O.
            let _ = connection.with_upgrades().await;
        }));
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        Ok((response, connection))
    }
}

/// The body of a streaming response, read chunk by chunk.
#[derive(Debug)]
pub(crate) struct ResponseStream {
    body: Incoming,
    _connection: Connection,
}

impl ResponseStream {
    /// The next chunk of the body, or `None` at its end.
    pub(crate) async fn next_chunk(&mut self) -> Option<Result<Bytes, String>> {
        loop {
            match self.body.frame().await? {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        return Some(Ok(data));
                    }
                }
                Err(error) => return Some(Err(error.to_string())),
            }
        }
    }
}

/// An upgraded connection, ready for the engine to speak HTTP/2 (gRPC) on.
#[derive(Debug)]
pub(crate) struct SessionIo {
    io: TokioIo<Upgraded>,
    _connection: Connection,
}

impl tonic::transport::server::Connected for SessionIo {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for SessionIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for SessionIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// The task driving one HTTP connection; stopped when the response using it is dropped.
#[derive(Debug)]
struct Connection(JoinHandle<()>);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A socket to the engine.
enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Unix(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Unix(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Unix(s) => Pin::new(s).poll_flush(cx),
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Unix(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// The engine's error message from a non-success response (JSON `{"message": ...}` or text).
async fn error_text(response: hyper::Response<Incoming>) -> String {
    let status = response.status();
    let body = match response.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => return format!("HTTP {status}: {error}"),
    };
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_owned());
    format!("HTTP {status}: {message}")
}

/// Percent-encodes `value` for a URL query.
pub(crate) fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_supported_engine_addresses() {
        assert_eq!(
            EngineHttp::new("unix:///var/run/docker.sock", "1.41")
                .unwrap()
                .endpoint,
            Endpoint::Unix("/var/run/docker.sock".into())
        );
        assert_eq!(
            EngineHttp::new("tcp://127.0.0.1:2375", "1.41")
                .unwrap()
                .endpoint,
            Endpoint::Tcp("127.0.0.1:2375".into())
        );
        assert!(
            EngineHttp::new("ssh://host", "1.41")
                .unwrap_err()
                .contains("ssh://host")
        );
    }

    #[test]
    fn escapes_query_values() {
        assert_eq!(
            query_escape(r#"{"A":"b c"}"#),
            "%7B%22A%22%3A%22b%20c%22%7D"
        );
        assert_eq!(query_escape("gantry.local/app:1"), "gantry.local%2Fapp%3A1");
    }
}
