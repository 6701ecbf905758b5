//! [`BuildSession`]: the BuildKit session through which one build pulls its files.
//!
//! The engine opens gRPC calls back to gantry over an upgraded `POST /session` connection.
//! gantry serves the health check and [`FileSyncService`] on it for as long as the session
//! value lives. This module must not start the build itself.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bollard::health::health_check_response::ServingStatus;
use bollard::health::health_server::{Health, HealthServer};
use bollard::health::{
    HealthCheckRequest, HealthCheckResponse, HealthListRequest, HealthListResponse,
};
use bollard::moby::filesync::v1::file_sync_server::FileSyncServer;
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;
use tonic::{Request, Response, Status};

use crate::engine_http::EngineHttp;
use crate::file_sync::FileSyncService;

/// The gRPC methods gantry serves; the engine calls only what is announced.
const METHODS: [&str; 2] = [
    "/grpc.health.v1.Health/Check",
    "/moby.filesync.v1.FileSync/DiffCopy",
];

/// A running session; dropping it closes the connection.
#[derive(Debug)]
pub(crate) struct BuildSession {
    id: String,
    server: JoinHandle<()>,
}

impl BuildSession {
    /// Opens a session that serves `context_dir` and `dockerfile` to the engine.
    pub(crate) async fn start(
        http: &EngineHttp,
        context_dir: &Path,
        dockerfile: &str,
    ) -> Result<Self, String> {
        let id = session_id(context_dir);
        let name = context_dir.file_name().map_or_else(
            || "context".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        // BuildKit keeps the files of the last transfer per shared key and name, so a
        // rebuild of the same directory only sends what changed.
        let shared_key = hex::encode(Sha256::digest(context_dir.as_os_str().as_encoded_bytes()));
        let mut headers = vec![
            ("X-Docker-Expose-Session-Uuid", id.clone()),
            ("X-Docker-Expose-Session-Name", name),
            ("X-Docker-Expose-Session-Sharedkey", shared_key),
        ];
        headers.extend(
            METHODS
                .iter()
                .map(|m| ("X-Docker-Expose-Session-Grpc-Method", (*m).to_owned())),
        );
        let io = http.upgrade("/session", &headers).await?;
        let files = FileSyncService::new(context_dir.to_path_buf(), dockerfile);
        let server = tokio::spawn(async move {
            // Ends when the engine or gantry closes the connection; the build reports errors.
            let _ = tonic::transport::Server::builder()
                .add_service(HealthServer::new(SessionHealth))
                .add_service(FileSyncServer::new(files))
                .serve_with_incoming(futures_util::stream::iter([Ok::<_, std::io::Error>(io)]))
                .await;
        });
        Ok(Self { id, server })
    }

    /// The ID to pass as the build's `session` parameter.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for BuildSession {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A session ID unique to this process, this moment and this directory.
fn session_id(context_dir: &Path) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let mut hasher = Sha256::new();
    hasher.update(now.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    hasher.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hasher.update(context_dir.as_os_str().as_encoded_bytes());
    format!("gantry-{}", &hex::encode(hasher.finalize())[..24])
}

/// Answers the engine's session health checks.
#[derive(Debug, Clone, Copy)]
struct SessionHealth;

#[tonic::async_trait]
impl Health for SessionHealth {
    type WatchStream = futures_util::stream::Empty<Result<HealthCheckResponse, Status>>;

    async fn check(
        &self,
        _request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        Ok(Response::new(HealthCheckResponse {
            status: ServingStatus::Serving as i32,
        }))
    }

    async fn list(
        &self,
        _request: Request<HealthListRequest>,
    ) -> Result<Response<HealthListResponse>, Status> {
        Err(Status::unimplemented("the session answers Check only"))
    }

    async fn watch(
        &self,
        _request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("the session answers Check only"))
    }
}
