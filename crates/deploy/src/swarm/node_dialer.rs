//! [`NodeDialer`]: opens TCP connections to the ports swarm nodes publish, from where they are
//! reachable.
//!
//! On a real swarm the nodes' addresses are reachable from gantry's host: connect directly.
//! On the test swarm (scripts/swarm-testbed.sh) the nodes live in network namespaces that the
//! host has no address in; the dialer then opens the socket from inside one of them (a
//! socket keeps the namespace it was created in). It must not change the namespace of any
//! thread but a short-lived one of its own.

use std::net::{SocketAddr, TcpStream as StdTcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::TcpStream;

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Where connections to node ports are opened from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeDialer {
    /// From gantry's own network namespace.
    Direct,
    /// From inside the network namespace at this path (e.g. `/var/run/netns/gantry-sw-n1`).
    Netns(PathBuf),
}

impl NodeDialer {
    /// The dialer for a named namespace as `ip netns` names them.
    pub fn netns(name: &str) -> Self {
        NodeDialer::Netns(PathBuf::from("/var/run/netns").join(name))
    }

    /// Connects to `host:port`.
    pub async fn connect(&self, host: &str, port: u16) -> Result<TcpStream, String> {
        let address = resolve(host, port)?;
        match self {
            NodeDialer::Direct => {
                tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address))
                    .await
                    .map_err(|_| format!("connecting to {address} timed out"))?
                    .map_err(|error| format!("cannot connect to {address}: {error}"))
            }
            NodeDialer::Netns(path) => {
                let stream = connect_in_netns(path.clone(), address).await?;
                stream
                    .set_nonblocking(true)
                    .map_err(|error| error.to_string())?;
                TcpStream::from_std(stream).map_err(|error| error.to_string())
            }
        }
    }
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    (host, port)
        .to_socket_addrs()
        .map_err(|error| format!("cannot resolve {host}: {error}"))?
        .next()
        .ok_or_else(|| format!("{host} has no address"))
}

/// Connects on a thread of its own that enters the namespace first; the thread ends after.
async fn connect_in_netns(path: PathBuf, address: SocketAddr) -> Result<StdTcpStream, String> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("gantry-netns-dial".into())
        .spawn(move || {
            let _ = sender.send(enter_and_connect(&path, address));
        })
        .map_err(|error| format!("cannot start a thread to dial {address}: {error}"))?;
    receiver
        .await
        .map_err(|_| format!("the thread dialing {address} died"))?
}

fn enter_and_connect(path: &std::path::Path, address: SocketAddr) -> Result<StdTcpStream, String> {
    let namespace = std::fs::File::open(path)
        .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    rustix::thread::move_into_link_name_space(
        std::os::fd::AsFd::as_fd(&namespace),
        Some(rustix::thread::LinkNameSpaceType::Network),
    )
    .map_err(|error| {
        format!(
            "cannot enter the network namespace {}: {error}",
            path.display()
        )
    })?;
    StdTcpStream::connect_timeout(&address, CONNECT_TIMEOUT)
        .map_err(|error| format!("cannot connect to {address}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn direct_connects_and_names_refusals() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(NodeDialer::Direct.connect("127.0.0.1", port).await.is_ok());
        drop(listener);
        let error = NodeDialer::Direct
            .connect("127.0.0.1", port)
            .await
            .unwrap_err();
        assert!(error.contains("cannot connect to 127.0.0.1:"), "{error}");
    }

    #[tokio::test]
    async fn a_missing_namespace_is_an_error() {
        let dialer = NodeDialer::Netns("/nonexistent/netns".into());
        let error = dialer.connect("127.0.0.1", 1).await.unwrap_err();
        assert!(error.contains("cannot open /nonexistent/netns"), "{error}");
    }
}
