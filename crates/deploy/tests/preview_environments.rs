//! Preview environments on the real Docker engine: `up` answers at its URL through the
//! nginx proxy, `up` again replaces the release, `down` and the TTL remove it, and nothing
//! of the namespace is left afterwards. Each test has its own namespace and proxy port.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::{ListContainersOptionsBuilder, ListNetworksOptionsBuilder};
use gantry_deploy::DeployError;
use gantry_deploy::docker_target::{
    DEFAULT_PROXY_IMAGE, EnvironmentName, EnvironmentSpec, HttpProbe, NAMESPACE_LABEL, Namespace, PreviewHost,
    PreviewSettings, Ttl,
};
use time::OffsetDateTime;

const WAIT: Duration = Duration::from_secs(30);

/// A busybox web server on `port` whose index page says `text`.
fn web_server(name: &str, text: &str, port: u16) -> EnvironmentSpec {
    let mut spec = EnvironmentSpec::new(EnvironmentName::new(name).unwrap(), support::BUSYBOX);
    spec.port = port;
    spec.env.insert("PAGE".into(), text.into());
    let script = format!("mkdir -p /www && echo \"$PAGE\" > /www/index.html && exec busybox httpd -f -p {port} -h /www");
    spec.command = Some(vec!["sh".into(), "-c".into(), script]);
    spec
}

/// The namespace's host, or `None` when the test is skipped; removes the namespace's
/// leftovers when dropped (also after a failed assertion).
struct Fixture {
    host: PreviewHost,
    docker: Docker,
    namespace: String,
}

impl Fixture {
    async fn new(n: u32) -> Option<Self> {
        let docker = support::engine_with(&[support::BUSYBOX, DEFAULT_PROXY_IMAGE]).await?;
        let namespace = support::test_namespace(n);
        let settings = PreviewSettings {
            namespace: Namespace::new(&namespace).unwrap(),
            listen_port: 0,
            ..PreviewSettings::default()
        };
        let host = PreviewHost::connect(settings).await.unwrap();
        Some(Self { host, docker, namespace })
    }

    /// GET / of `label` through the proxy: (status, body, proxy said unavailable).
    async fn get(&self, label: &str) -> (u16, String, bool) {
        let port = self.proxy_port().await;
        let response = HttpProbe::new("127.0.0.1", port).get(&format!("{label}.localhost"), "/").await.unwrap();
        (response.status, response.body.trim().to_owned(), response.unavailable)
    }

    async fn proxy_port(&self) -> u16 {
        let environments = self.host.list().await.unwrap();
        let url = &environments.first().expect("an environment is up").url;
        url.rsplit(':').next().unwrap().trim_end_matches('/').parse().unwrap()
    }

    async fn leftovers(&self) -> (Vec<String>, Vec<String>) {
        let filters = HashMap::from([("label".to_owned(), vec![format!("{NAMESPACE_LABEL}={}", self.namespace)])]);
        let containers = self
            .docker
            .list_containers(Some(ListContainersOptionsBuilder::default().all(true).filters(&filters).build()))
            .await
            .unwrap();
        let networks =
            self.docker.list_networks(Some(ListNetworksOptionsBuilder::default().filters(&filters).build())).await.unwrap();
        (
            containers.into_iter().flat_map(|c| c.names.unwrap_or_default()).collect(),
            networks.into_iter().filter_map(|n| n.name).collect(),
        )
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        support::remove_namespace(&self.docker, &self.namespace, &[]);
    }
}

#[tokio::test]
async fn an_environment_answers_at_its_url_is_replaced_by_up_and_removed_by_down() {
    let Some(fixture) = Fixture::new(1).await else { return };
    let host = &fixture.host;

    let first = host.up(&web_server("pr-1", "hello from pr-1", 8080), WAIT).await.unwrap();
    let port = fixture.proxy_port().await;
    assert_eq!(first.url, format!("http://pr-1.localhost:{port}/"));
    assert_eq!(fixture.get("pr-1").await, (200, "hello from pr-1".into(), false));

    // Another environment on another application port, behind the same proxy.
    host.up(&web_server("pr-2", "hello from pr-2", 9000), WAIT).await.unwrap();
    assert_eq!(fixture.get("pr-2").await, (200, "hello from pr-2".into(), false));
    let names: Vec<_> = host.list().await.unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(names, ["pr-1", "pr-2"]);

    // `up` of a running name replaces its release; the old container is gone.
    let second = host.up(&web_server("pr-1", "pr-1, second release", 8080), WAIT).await.unwrap();
    assert_ne!(first.release, second.release);
    assert_eq!(fixture.get("pr-1").await, (200, "pr-1, second release".into(), false));
    assert_eq!(fixture.get(&format!("pr-1--{}", second.release)).await.1, "pr-1, second release");
    let (containers, _) = fixture.leftovers().await;
    assert!(!containers.iter().any(|name| name.contains(&first.release)), "{containers:?}");

    // An unknown name gets the proxy's own page.
    let (status, body, unavailable) = fixture.get("nobody").await;
    assert_eq!((status, unavailable), (502, true), "{body}");

    assert_eq!(host.down(&EnvironmentName::new("pr-1").unwrap()).await.unwrap(), 1);
    assert!(fixture.get("pr-1").await.2, "pr-1 still answers after down");
    assert_eq!(fixture.get("pr-2").await.1, "hello from pr-2");

    host.down(&EnvironmentName::new("pr-2").unwrap()).await.unwrap();
    assert!(host.list().await.unwrap().is_empty());
    assert_eq!(fixture.leftovers().await, (vec![], vec![]), "the last down removes the proxy and the network");
}

#[tokio::test]
async fn expired_environments_are_removed_by_the_next_command() {
    let Some(fixture) = Fixture::new(2).await else { return };
    let host = &fixture.host;
    let mut short = web_server("short", "short-lived", 8080);
    short.ttl = Some(Ttl::parse("1s").unwrap());
    let mut long = web_server("long", "long-lived", 8080);
    long.ttl = Some(Ttl::parse("1h").unwrap());
    host.up(&short, WAIT).await.unwrap();
    host.up(&long, WAIT).await.unwrap();

    tokio::time::sleep(Duration::from_millis(1100)).await;
    // `list` removes what expired before it answers.
    let names: Vec<_> = host.list().await.unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(names, ["long"]);
    assert!(fixture.get("short").await.2, "short still answers after its TTL");

    let in_two_hours = OffsetDateTime::now_utc() + time::Duration::hours(2);
    assert_eq!(host.remove_expired(in_two_hours).await.unwrap(), ["long"]);
    assert_eq!(fixture.leftovers().await, (vec![], vec![]));
}

#[tokio::test]
async fn an_application_that_exits_is_reported_and_removed() {
    let Some(fixture) = Fixture::new(3).await else { return };
    let mut spec = EnvironmentSpec::new(EnvironmentName::new("broken").unwrap(), support::BUSYBOX);
    spec.command = Some(vec!["sh".into(), "-c".into(), "echo failing >&2; exit 3".into()]);
    let error = fixture.host.up(&spec, WAIT).await.unwrap_err();
    let DeployError::Invalid(message) = &error else { panic!("{error}") };
    assert!(message.contains("exited") && message.contains("  failing"), "the message shows its output: {message}");
    let unknown = fixture.host.down(&EnvironmentName::new("broken").unwrap()).await.unwrap_err();
    assert!(matches!(unknown, DeployError::UnknownService { .. }), "{unknown}");
    assert_eq!(fixture.leftovers().await, (vec![], vec![]));
}

#[tokio::test]
async fn a_missing_image_is_an_invalid_request() {
    let Some(fixture) = Fixture::new(4).await else { return };
    let spec = EnvironmentSpec::new(EnvironmentName::new("ghost").unwrap(), "gantry.local/does-not-exist:1");
    let error = fixture.host.up(&spec, WAIT).await.unwrap_err();
    assert!(error.to_string().contains("not on the engine"), "{error}");
    assert_eq!(fixture.leftovers().await, (vec![], vec![]));
}
