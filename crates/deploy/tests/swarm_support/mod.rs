//! Shared by the swarm tests: the three-node test swarm (scripts/swarm-testbed.sh), the test
//! images, and reading a deploy's events.
//!
//! The testbed goes up with the first test that needs it and down when the last one using
//! it ends. Test processes that use it take turns (a lock file), so that one process's `down`
//! never pulls the swarm from under another's tests. When it cannot start the tests FAIL if `CI=true` or `GANTRY_REQUIRE_ENGINE=1`,
//! and otherwise print one `SKIP` line and pass.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use gantry_backend_docker::DockerEngine;
use gantry_deploy::DeployEvent;
use gantry_deploy::swarm::{NodeDialer, SwarmSettings, SwarmTarget};
use gantry_engine::{BuildRequest, ImageBuilder};
use tokio::sync::mpsc;

/// The host registry, reachable under the same name on every node.
pub const REGISTRY: &str = "127.0.0.1:5000";
/// The manager's Docker API, its network namespace and the overlay network of the testbed.
pub const MANAGER: &str = "unix:///var/lib/gantry-sw/n1/docker.sock";
pub const MANAGER_NETNS: &str = "gantry-sw-n1";
pub const NETWORK: &str = "gantry-sw-net";

/// Held while this process uses the testbed.
const LOCK_FILE: &str = "/run/lock/gantry-swarm-tests.lock";

/// The running testbed; the last one dropped takes it down.
pub struct Testbed {
    /// Released (after `down`) when the testbed is dropped.
    _turn: std::fs::File,
}

static TESTBED: Mutex<Weak<Testbed>> = Mutex::new(Weak::new());
static IMAGES: OnceLock<Result<(), String>> = OnceLock::new();

fn engine_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("GANTRY_REQUIRE_ENGINE").is_ok_and(|v| v == "1")
}

fn unavailable<T>(what: &str) -> Option<T> {
    if engine_required() {
        panic!("{what} (CI=true or GANTRY_REQUIRE_ENGINE=1 requires the swarm testbed)");
    }
    eprintln!("SKIP: {what} — set GANTRY_REQUIRE_ENGINE=1 to make this a failure");
    None
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/swarm-testbed.sh")
}

fn testbed(action: &str) -> Result<(), String> {
    let output = Command::new("bash")
        .arg(script())
        .arg(action)
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "swarm-testbed.sh {action} failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

impl Testbed {
    /// The testbed with the test images pushed, or `None` when the test should be skipped.
    pub fn acquire() -> Option<Arc<Testbed>> {
        let bed = Self::shared()?;
        match IMAGES.get_or_init(build_images) {
            Ok(()) => Some(bed),
            Err(error) => unavailable(error),
        }
    }

    fn shared() -> Option<Arc<Testbed>> {
        let mut shared = TESTBED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(bed) = shared.upgrade() {
            return Some(bed);
        }
        let turn = match take_turn() {
            Ok(turn) => turn,
            Err(error) => return unavailable(&format!("cannot lock {LOCK_FILE}: {error}")),
        };
        if let Err(error) = testbed("up") {
            return unavailable(&error);
        }
        let bed = Arc::new(Testbed { _turn: turn });
        *shared = Arc::downgrade(&bed);
        Some(bed)
    }

    /// A swarm target named after the test, with history in `state_dir`.
    pub fn target(&self, name: &str, state_dir: &Path) -> SwarmTarget {
        let mut settings = SwarmSettings::new(name, MANAGER, state_dir);
        settings.network = Some(NETWORK.to_owned());
        settings.dialer = NodeDialer::netns(MANAGER_NETNS);
        settings.update_monitor = Duration::from_secs(3);
        // busybox httpd runs as PID 1 and ignores SIGTERM: without this every stop takes 10 s.
        settings.stop_grace_period = Some(Duration::from_secs(1));
        settings.converge_timeout = Duration::from_secs(90);
        SwarmTarget::new(settings)
    }
}

/// Waits until no other process uses the testbed, then holds the lock.
fn take_turn() -> std::io::Result<std::fs::File> {
    std::fs::create_dir_all("/run/lock")?;
    let file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(LOCK_FILE)?;
    file.lock()?;
    Ok(file)
}

impl Drop for Testbed {
    fn drop(&mut self) {
        // Held so that a test acquiring the testbed now waits for `down`, then brings it up.
        let _shared = TESTBED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(error) = testbed("down") {
            eprintln!("{error}");
        }
    }
}

/// The test images: a busybox httpd with a health check, `/cgi-bin/metrics` counting ten
/// requests per scrape (a share of them 500s), and `/cgi-bin/config` printing its config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    /// Healthy, no errors.
    Good1,
    /// The same, another version (another digest).
    Good2,
    /// No `/healthz`: its health check never passes.
    Unhealthy,
    /// Healthy, but half of its requests are 500s.
    Errors,
}

impl Image {
    const ALL: [Image; 4] = [Image::Good1, Image::Good2, Image::Unhealthy, Image::Errors];

    pub fn reference(self) -> String {
        let tag = match self {
            Image::Good1 => "good1",
            Image::Good2 => "good2",
            Image::Unhealthy => "unhealthy",
            Image::Errors => "errors",
        };
        format!("{REGISTRY}/gantry-sw-test/web:{tag}")
    }

    fn dockerfile(self) -> String {
        let error_percent = if self == Image::Errors { 50 } else { 0 };
        let remove_health = if self == Image::Unhealthy {
            "RUN rm /www/healthz\n"
        } else {
            ""
        };
        format!(
            "FROM gantry.local/busybox:1\nCOPY www /www\n{remove_health}ENV ERROR_PERCENT={error_percent}\n\
             HEALTHCHECK --interval=1s --timeout=2s --start-period=1s --retries=2 \
             CMD [\"busybox\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/healthz\"]\n\
             CMD [\"busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
        )
    }

    fn version(self) -> &'static str {
        match self {
            Image::Good2 => "2",
            _ => "1",
        }
    }
}

const METRICS_CGI: &str = r#"#!/bin/sh
n=$(cat /tmp/requests 2>/dev/null || echo 0)
n=$((n + 10))
echo "$n" > /tmp/requests
errors=$((n * ERROR_PERCENT / 100))
printf 'Content-Type: text/plain\r\n\r\n'
echo '# TYPE http_requests_total counter'
echo "http_requests_total{code=\"200\"} $((n - errors))"
echo "http_requests_total{code=\"500\"} $errors"
"#;

const CONFIG_CGI: &str = r#"#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "greeting=$GREETING"
echo "file=$(cat /etc/web/motd 2>/dev/null)"
echo "secret=$(cat /run/secrets/token 2>/dev/null)"
"#;

fn write_file(dir: &Path, path: &str, text: &str, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| e.to_string())
}

fn build_images() -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let engine = DockerEngine::connect()
            .await
            .map_err(|e| format!("no Docker engine: {e}"))?;
        for image in Image::ALL {
            build_and_push(&engine, image).await?;
        }
        Ok(())
    })
}

async fn build_and_push(engine: &DockerEngine, image: Image) -> Result<(), String> {
    let context = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = context.path();
    write_file(dir, "www/healthz", "ok\n", 0o644)?;
    write_file(
        dir,
        "www/index.html",
        &format!("version {}\n", image.version()),
        0o644,
    )?;
    write_file(dir, "www/cgi-bin/metrics", METRICS_CGI, 0o755)?;
    write_file(dir, "www/cgi-bin/config", CONFIG_CGI, 0o755)?;
    let mut request = BuildRequest::new(image.dockerfile(), dir);
    request.tags = vec![image.reference()];
    let (events, mut drain) = mpsc::channel(64);
    let drained = tokio::spawn(async move { while drain.recv().await.is_some() {} });
    engine
        .build(&request, events)
        .await
        .map_err(|e| format!("building {}: {e}", image.reference()))?;
    let _ = drained.await;
    let push = Command::new("/usr/bin/docker")
        .args(["push", &image.reference()])
        .output()
        .map_err(|e| e.to_string())?;
    if !push.status.success() {
        return Err(format!(
            "pushing {}: {}",
            image.reference(),
            String::from_utf8_lossy(&push.stderr)
        ));
    }
    Ok(())
}

/// Events of a deploy with the moment each arrived.
pub struct Recorded {
    pub events: Vec<(Instant, DeployEvent)>,
}

/// A channel for a deploy's events and the task that records them.
pub fn recorder() -> (mpsc::Sender<DeployEvent>, tokio::task::JoinHandle<Recorded>) {
    let (sender, mut receiver) = mpsc::channel(256);
    let task = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = receiver.recv().await {
            eprintln!(
                "event: {}",
                serde_json::to_string(&event).unwrap_or_default()
            );
            events.push((Instant::now(), event));
        }
        Recorded { events }
    });
    (sender, task)
}

impl Recorded {
    /// When the first event matching `wanted` arrived.
    pub fn when(&self, wanted: impl Fn(&DeployEvent) -> bool) -> Option<Instant> {
        self.events
            .iter()
            .find(|(_, event)| wanted(event))
            .map(|(at, _)| *at)
    }

    pub fn all(&self) -> impl Iterator<Item = &DeployEvent> {
        self.events.iter().map(|(_, event)| event)
    }
}

/// Manifest digests of every test image in the registry, by tag.
pub fn registry_digests() -> BTreeMap<String, String> {
    Image::ALL
        .iter()
        .filter_map(|image| {
            let reference = image.reference();
            let path = reference
                .trim_start_matches(&format!("{REGISTRY}/"))
                .replace(':', "/manifests/");
            let output = Command::new("curl")
                .args([
                    "-fsSI",
                    "--noproxy",
                    "*",
                    "-H",
                    "Accept: application/vnd.docker.distribution.manifest.v2+json",
                ])
                .arg(format!("http://{REGISTRY}/v2/{path}"))
                .output()
                .ok()?;
            let headers = String::from_utf8_lossy(&output.stdout).to_lowercase();
            let digest = headers
                .lines()
                .find_map(|line| line.strip_prefix("docker-content-digest:"))?;
            Some((reference, digest.trim().to_owned()))
        })
        .collect()
}

/// `GET path` on the manager node's published `port`, from inside its network namespace.
pub async fn fetch(port: u16, path: &str) -> String {
    let stream = NodeDialer::netns(MANAGER_NETNS)
        .connect("198.51.100.11", port)
        .await
        .unwrap();
    let response = gantry_deploy::canary::HttpResponse::get(
        stream,
        "198.51.100.11",
        path,
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    response.body
}
