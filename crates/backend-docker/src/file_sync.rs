//! [`FileSyncService`]: serves the build context and the Dockerfile to BuildKit.
//!
//! BuildKit pulls local files over the session with fsutil's "diffcopy" protocol: the sender
//! lists every entry (STAT packets, then an empty STAT), BuildKit requests the contents it
//! does not already have (REQ with the entry's index), the sender answers with DATA packets
//! ending in an empty one, and FIN closes the exchange. Two directories are offered:
//! `context` (the context directory, filtered by the patterns BuildKit sends, which include
//! `.dockerignore`) and `dockerfile` (only the Dockerfile text, which therefore never becomes
//! part of the context). This module must not decide what the build does with the files.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use bollard::fsutil::types::packet::PacketType;
use bollard::fsutil::types::{Packet, Stat};
use bollard::moby::filesync::v1::file_sync_server::FileSync;
use futures_util::Stream;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use tonic::metadata::MetadataMap;
use tonic::{Request, Response, Status, Streaming};

use gantry_context::{ContextWalk, EntryStat};

/// The name under which the Dockerfile is offered in the `dockerfile` directory.
pub(crate) const DOCKERFILE_NAME: &str = "Dockerfile";

/// Size of the DATA packets, as fsutil uses.
const CHUNK: usize = 32 * 1024;

/// The two directories one build may pull.
#[derive(Debug, Clone)]
pub(crate) struct FileSyncService {
    context_dir: PathBuf,
    dockerfile: Arc<[u8]>,
}

/// A modification time for the in-memory Dockerfile that changes with its text. BuildKit
/// keeps what it synced per directory and shared key (the context directory), and fetches an
/// entry again only when its size or time differs: with one fixed time, two variants built
/// from the same directory whose Dockerfiles had the same length got the first one's text.
fn content_time(bytes: &[u8]) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first) & i64::MAX
}

/// Where the bytes of a requested entry come from.
#[derive(Debug, Clone)]
enum Data {
    File(PathBuf),
    Memory(Arc<[u8]>),
}

type PacketStream = Pin<Box<dyn Stream<Item = Result<Packet, Status>> + Send>>;

impl FileSyncService {
    pub(crate) fn new(context_dir: PathBuf, dockerfile: &str) -> Self {
        Self {
            context_dir,
            dockerfile: Arc::from(dockerfile.as_bytes()),
        }
    }

    /// The entries of directory `dir_name` that BuildKit asked for, in wire order.
    async fn entries(&self, metadata: &MetadataMap) -> Result<Vec<(Stat, Option<Data>)>, String> {
        match values(metadata, "dir-name").first().map(String::as_str) {
            Some("dockerfile") => {
                let stat = Stat {
                    path: DOCKERFILE_NAME.to_owned(),
                    mode: 0o644,
                    size: i64::try_from(self.dockerfile.len()).unwrap_or(i64::MAX),
                    mod_time: content_time(&self.dockerfile),
                    ..Stat::default()
                };
                Ok(vec![(
                    stat,
                    Some(Data::Memory(Arc::clone(&self.dockerfile))),
                )])
            }
            Some("context") => {
                let includes = values(metadata, "include-patterns");
                let excludes = values(metadata, "exclude-patterns");
                let follow = values(metadata, "followpaths");
                let root = self.context_dir.clone();
                tokio::task::spawn_blocking(move || {
                    let walk = ContextWalk::new(&root, &includes, &excludes, &follow)?;
                    let entries = walk.entries()?;
                    Ok(entries
                        .into_iter()
                        .map(|e| (wire_stat(e.stat), e.source.map(Data::File)))
                        .collect())
                })
                .await
                .map_err(|e| format!("listing the build context failed: {e}"))?
            }
            other => Err(format!(
                "gantry offers the directories `context` and `dockerfile`, not {other:?}"
            )),
        }
    }
}

#[tonic::async_trait]
impl FileSync for FileSyncService {
    type DiffCopyStream = PacketStream;
    type TarStreamStream = PacketStream;

    async fn diff_copy(
        &self,
        request: Request<Streaming<Packet>>,
    ) -> Result<Response<Self::DiffCopyStream>, Status> {
        let (tx, rx) = mpsc::channel(64);
        let entries = self.entries(request.metadata()).await;
        let inbound = request.into_inner();
        tokio::spawn(async move {
            match entries {
                Ok(entries) => send(Arc::new(entries), inbound, tx).await,
                Err(message) => {
                    let _ = tx
                        .send(Ok(packet(PacketType::PacketErr, 0, message.into_bytes())))
                        .await;
                }
            }
        });
        let stream =
            futures_util::stream::unfold(
                rx,
                |mut rx| async move { rx.recv().await.map(|p| (p, rx)) },
            );
        Ok(Response::new(Box::pin(stream)))
    }

    async fn tar_stream(
        &self,
        _request: Request<Streaming<Packet>>,
    ) -> Result<Response<Self::TarStreamStream>, Status> {
        Err(Status::unimplemented(
            "gantry serves build files with DiffCopy only",
        ))
    }
}

/// Runs the sender side of one DiffCopy exchange until FIN, an error or a closed stream.
async fn send(
    entries: Arc<Vec<(Stat, Option<Data>)>>,
    mut inbound: Streaming<Packet>,
    tx: mpsc::Sender<Result<Packet, Status>>,
) {
    let stats = {
        let (entries, tx) = (Arc::clone(&entries), tx.clone());
        async move {
            for (stat, _) in entries.iter() {
                let mut stat_packet = packet(PacketType::PacketStat, 0, Vec::new());
                stat_packet.stat = Some(stat.clone());
                if tx.send(Ok(stat_packet)).await.is_err() {
                    return;
                }
            }
            let _ = tx
                .send(Ok(packet(PacketType::PacketStat, 0, Vec::new())))
                .await;
        }
    };
    let requests = async {
        loop {
            let received = match inbound.message().await {
                Ok(Some(received)) => received,
                Ok(None) | Err(_) => return,
            };
            match PacketType::try_from(received.r#type) {
                Ok(PacketType::PacketReq) => {
                    if let Err(message) = send_data(&entries, received.id, &tx).await {
                        let _ = tx
                            .send(Ok(packet(PacketType::PacketErr, 0, message.into_bytes())))
                            .await;
                        return;
                    }
                }
                Ok(PacketType::PacketFin) => {
                    let _ = tx
                        .send(Ok(packet(PacketType::PacketFin, 0, Vec::new())))
                        .await;
                    return;
                }
                Ok(PacketType::PacketErr) => return,
                _ => {}
            }
        }
    };
    tokio::join!(stats, requests);
}

/// Answers one REQ: the entry's bytes in DATA packets, then an empty DATA packet.
async fn send_data(
    entries: &[(Stat, Option<Data>)],
    id: u32,
    tx: &mpsc::Sender<Result<Packet, Status>>,
) -> Result<(), String> {
    let entry = usize::try_from(id).ok().and_then(|i| entries.get(i));
    let Some((stat, Some(data))) = entry else {
        return Err(format!(
            "BuildKit asked for entry {id}, which has no contents"
        ));
    };
    let sent = |chunk: Vec<u8>| tx.send(Ok(packet(PacketType::PacketData, id, chunk)));
    match data {
        Data::Memory(bytes) => {
            for chunk in bytes.chunks(CHUNK) {
                sent(chunk.to_vec())
                    .await
                    .map_err(|_| "the build stopped".to_owned())?;
            }
        }
        Data::File(path) => {
            let mut file = tokio::fs::File::open(path)
                .await
                .map_err(|e| format!("cannot open {} ({}): {e}", stat.path, path.display()))?;
            loop {
                let mut chunk = vec![0; CHUNK];
                let read = file
                    .read(&mut chunk)
                    .await
                    .map_err(|e| format!("cannot read {} ({}): {e}", stat.path, path.display()))?;
                if read == 0 {
                    break;
                }
                chunk.truncate(read);
                sent(chunk)
                    .await
                    .map_err(|_| "the build stopped".to_owned())?;
            }
        }
    }
    sent(Vec::new())
        .await
        .map_err(|_| "the build stopped".to_owned())
}

fn packet(kind: PacketType, id: u32, data: Vec<u8>) -> Packet {
    Packet {
        r#type: kind as i32,
        stat: None,
        id,
        data,
    }
}

/// All values of gRPC metadata `key` that are valid text.
fn values(metadata: &MetadataMap, key: &str) -> Vec<String> {
    metadata
        .get_all(key)
        .iter()
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect()
}

/// fsutil's wire form of an entry; owners stay root, as the Docker CLI sends them.
fn wire_stat(stat: EntryStat) -> Stat {
    Stat {
        path: stat.path,
        mode: stat.mode,
        size: stat.size,
        mod_time: stat.mod_time,
        linkname: stat.linkname,
        ..Stat::default()
    }
}
