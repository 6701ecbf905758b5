//! [`HttpResponse`]: one HTTP/1.1 GET over a connection a target opened, as the probes and
//! metric scrapes need it.
//!
//! Must not open connections (targets know how to reach their replicas) nor retry: one
//! request, one answer or one error text. Bodies are capped at [`MAX_BODY`] bytes.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::header::{CONNECTION, HOST};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The largest body read; a metrics page or a health answer is far smaller.
pub const MAX_BODY: usize = 1 << 20;

/// A status, a body and how long the request took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub latency: Duration,
}

impl HttpResponse {
    /// Sends `GET path` with `Host: authority` over `stream` and reads the whole answer, all
    /// within `timeout`.
    pub async fn get(
        stream: TcpStream,
        authority: &str,
        path: &str,
        timeout: Duration,
    ) -> Result<Self, String> {
        let started = Instant::now();
        let exchange = exchange(stream, authority, path);
        let (status, body) = tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| format!("no answer within {} ms", timeout.as_millis()))??;
        Ok(Self {
            status,
            body,
            latency: started.elapsed(),
        })
    }
}

async fn exchange(stream: TcpStream, authority: &str, path: &str) -> Result<(u16, String), String> {
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake failed: {error}"))?;
    let driver = tokio::spawn(connection);
    let request = hyper::Request::get(path)
        .header(HOST, authority)
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|error| format!("cannot build a request for {path:?}: {error}"))?;
    let answer = read_answer(sender.send_request(request).await).await;
    driver.abort();
    answer
}

async fn read_answer(
    response: Result<hyper::Response<hyper::body::Incoming>, hyper::Error>,
) -> Result<(u16, String), String> {
    let response = response.map_err(|error| format!("request failed: {error}"))?;
    let status = response.status().as_u16();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|error| format!("cannot read the answer: {error}"))?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    async fn serve_once(answer: &'static str) -> (TcpStream, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = vec![0; 1024];
            let read = socket.read(&mut request).await.unwrap();
            socket.write_all(answer.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&request[..read]).into_owned()
        });
        (TcpStream::connect(address).await.unwrap(), server)
    }

    #[tokio::test]
    async fn reads_an_http_1_0_answer_that_closes_the_connection() {
        let (stream, server) = serve_once("HTTP/1.0 503 Service Unavailable\r\n\r\ndown").await;
        let response = HttpResponse::get(stream, "node:8080", "/healthz", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!((response.status, response.body.as_str()), (503, "down"));
        let request = server.await.unwrap();
        assert!(
            request.starts_with("GET /healthz HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            request.to_ascii_lowercase().contains("host: node:8080"),
            "{request}"
        );
    }

    #[tokio::test]
    async fn times_out_when_nothing_answers() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let error = HttpResponse::get(stream, "x", "/", Duration::from_millis(100))
            .await
            .unwrap_err();
        assert!(error.contains("no answer within 100 ms"), "{error}");
    }
}
