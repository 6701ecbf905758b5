//! `gantry deploy --kind docker|kubernetes`: the same commands as on a swarm
//! (deploy_swarm.rs) on the other targets.
//! - docker, on the real engine: two releases of a service (the second changes only its
//!   config, so nothing is built), status, history, a rollback that serves the first
//!   release's config again, and nothing left after `env down`;
//! - kubernetes, with the real helm: the chart is linted with gantry's values, then the
//!   release reaches for the configured cluster — none runs here, and the error says so.

mod debug_support;

use std::io::{Read, Write};
use std::path::Path;
use std::process::Output;

use debug_support::{describe, docker, engine_has};

const PYTHON_BASE: &str = "gantry.local/bookworm-python3:1";

fn gantry(repo: &Path, namespace: &str, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary");
    command.env("GANTRY_ENV_NAMESPACE", namespace).env("GANTRY_ENV_PROXY_PORT", "0");
    command.arg("-C").arg(repo).args(args).output().expect("gantry runs")
}

/// GET `path` through the namespace's proxy, as `NAME.localhost`.
fn get(namespace: &str, name: &str, path: &str) -> String {
    let filter = format!("label=gantry.env.namespace={namespace}");
    let proxy = docker(&["ps", "-q", "--filter", &filter, "--filter", "label=gantry.env.role=proxy"]);
    let port = docker(&["port", proxy.trim()]);
    let port: u16 = port.lines().next().unwrap().rsplit(':').next().unwrap().trim().parse().unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {name}.localhost:{port}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Removes a namespace's containers and network, and the test image, also when the test
/// fails half-way.
struct Leftovers {
    namespace: String,
    image: String,
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        let filter = format!("label=gantry.env.namespace={}", self.namespace);
        let docker = |args: &[&str]| std::process::Command::new("docker").args(args).output().ok();
        if let Some(found) = docker(&["ps", "-a", "-q", "--filter", &filter]) {
            for id in String::from_utf8_lossy(&found.stdout).lines() {
                docker(&["rm", "-f", id]);
            }
        }
        if let Some(found) = docker(&["network", "ls", "-q", "--filter", &filter]) {
            for id in String::from_utf8_lossy(&found.stdout).lines() {
                docker(&["network", "rm", id]);
            }
        }
        docker(&["rmi", &self.image]);
    }
}

#[test]
fn the_docker_target_deploys_rolls_back_and_keeps_history() {
    if !engine_has(PYTHON_BASE) {
        return;
    }
    let namespace = format!("gantry-dt{}", std::process::id() % 100_000);
    let image = format!("gantry.local/test-deploy-web:{}", std::process::id());
    // An application that serves its GREETING: built by committing a container, not by gantry.
    let serve = "echo \"$GREETING\" > /tmp/greeting && cd /tmp && exec python3 -m http.server 8080";
    let container = docker(&["create", PYTHON_BASE, "sh", "-c", serve]);
    docker(&["commit", "--change", &format!("CMD [\"sh\", \"-c\", {serve:?}]"), container.trim(), &image]);
    docker(&["rm", container.trim()]);
    let _leftovers = Leftovers { namespace: namespace.clone(), image: image.clone() };

    let repo = tempfile::tempdir().unwrap();
    let deploy = |greeting: &str| {
        let env = format!("GREETING={greeting}");
        gantry(repo.path(), &namespace, &["deploy", "--kind", "docker", "--service", "web", "--image", &image, "--replicas", "1", "--env", &env])
    };
    let first = deploy("first");
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("web release 1: live"), "{}", describe(&first));
    assert!(get(&namespace, "web", "/greeting").contains("first"));

    let second = deploy("second");
    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    assert!(get(&namespace, "web", "/greeting").contains("second"), "a config-only change is a new release");

    let status = gantry(repo.path(), &namespace, &["deploy", "status", "--kind", "docker", "--service", "web"]);
    assert!(String::from_utf8_lossy(&status.stdout).contains("release:  2"), "{}", describe(&status));
    let rollback = gantry(repo.path(), &namespace, &["deploy", "rollback", "--kind", "docker", "--service", "web"]);
    assert_eq!(rollback.status.code(), Some(0), "{}", describe(&rollback));
    assert!(get(&namespace, "web", "/greeting").contains("first"), "the first release's config is back");
    let history = gantry(repo.path(), &namespace, &["deploy", "history", "--kind", "docker", "--service", "web"]);
    let history = String::from_utf8_lossy(&history.stdout).into_owned();
    assert_eq!(history.lines().count(), 2, "{history}");
    assert!(repo.path().join(".gantry/deploy/docker/releases.json").exists());

    let down = gantry(repo.path(), &namespace, &["env", "down", "web"]);
    assert_eq!(down.status.code(), Some(0), "{}", describe(&down));
    let filter = format!("label=gantry.env.namespace={namespace}");
    assert_eq!(docker(&["ps", "-a", "-q", "--filter", &filter]).trim(), "");
}

#[test]
fn the_kubernetes_target_lints_the_chart_then_names_the_unreachable_cluster() {
    let helm = Path::new("/usr/local/lib/gantry/bin/helm");
    if !helm.exists() {
        assert!(!debug_support::engine_required(), "helm is required: run scripts/setup.sh");
        eprintln!("SKIP: no helm; run scripts/setup.sh");
        return;
    }
    let repo = tempfile::tempdir().unwrap();
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charts").canonicalize().unwrap();
    std::fs::create_dir_all(repo.path().join(".pipeline")).unwrap();
    let settings = format!("[deploy]\ncharts-dir = {:?}\nkubeconfig = \"kubeconfig\"\n", charts.display().to_string());
    std::fs::write(repo.path().join(".pipeline/gantry.toml"), settings).unwrap();
    let kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: none\n  cluster:\n    server: https://127.0.0.1:9\ncontexts:\n- name: none\n  context:\n    cluster: none\n    user: none\ncurrent-context: none\nusers:\n- name: none\n  user:\n    token: t\n";
    std::fs::write(repo.path().join(".pipeline/kubeconfig"), kubeconfig).unwrap();
    let args = ["deploy", "--kind", "kubernetes", "--chart", "hello-python", "--service", "web", "--image", "127.0.0.1:5000/wikimedia/hello-python:review", "--publish", "18080:8080"];
    let output = gantry(repo.path(), "gantry-unused", &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    assert!(stderr.contains("helm upgrade") && stderr.contains("127.0.0.1:9"), "the lint passed; the cluster call failed: {stderr}");
    let history = std::fs::read_to_string(repo.path().join(".gantry/deploy/kubernetes/releases.json")).unwrap();
    assert!(history.contains("\"failed\""), "the release is recorded as failed: {history}");
}

#[test]
fn a_second_deploy_of_a_service_is_refused_while_the_first_holds_its_lock() {
    let repo = tempfile::tempdir().unwrap();
    let lock = repo.path().join(".gantry/deploy/docker/web.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, "").unwrap();
    // util-linux's flock holds the lock as a first deploy would.
    let mut holder = std::process::Command::new("flock").arg("--no-fork").arg(&lock).args(["sleep", "30"]).spawn().expect("flock runs");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let output = gantry(repo.path(), "gantry-unused", &["deploy", "--kind", "docker", "--service", "web", "--image", "x:1", "--replicas", "1"]);
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("another deploy of web on docker is in progress"), "{stderr}");
    let rollback = gantry(repo.path(), "gantry-unused", &["deploy", "rollback", "--kind", "docker", "--service", "web"]);
    assert!(!String::from_utf8_lossy(&rollback.stderr).contains("in progress"), "the lock went with its holder: {}", describe(&rollback));
}
