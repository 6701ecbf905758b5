//! The `docker` deploy target on the real engine: releases of a service replace each other
//! behind the preview proxy, config files reach the container, history records every
//! release, rollback puts an older release back, and what needs a swarm is refused.

mod support;

use bollard::Docker;
use bollard::query_parameters::BuildImageOptionsBuilder;
use futures_util::StreamExt;
use gantry_deploy::docker_target::{DEFAULT_PROXY_IMAGE, DockerHostTarget, HttpProbe, Namespace, PreviewHost, PreviewSettings};
use gantry_deploy::{ConfigFile, DeployError, DeployRequest, DeployTarget, ImageRef, ReleaseState};

/// Builds a busybox web server image whose page says `page`; returns its tag.
async fn web_image(docker: &Docker, page: &str) -> String {
    let tag = format!("gantry.local/gantry-test-web:{}-{page}", std::process::id());
    let dockerfile = format!(
        "FROM {}\nRUN mkdir /www && echo {page} > /www/index.html\nCMD [\"busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
        support::BUSYBOX
    );
    let mut context = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(dockerfile.len() as u64);
    header.set_mode(0o644);
    context.append_data(&mut header, "Dockerfile", dockerfile.as_bytes()).unwrap();
    let options = BuildImageOptionsBuilder::default().t(&tag).rm(true).build();
    let mut build = docker.build_image(options, None, Some(bollard::body_full(context.into_inner().unwrap().into())));
    while let Some(step) = build.next().await {
        let step = step.unwrap();
        assert!(step.error_detail.is_none(), "{step:?}");
    }
    tag
}

struct Fixture {
    docker: Docker,
    namespace: String,
    target: DockerHostTarget,
    images: Vec<String>,
    _state: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Option<Self> {
        let docker = support::engine_with(&[support::BUSYBOX, DEFAULT_PROXY_IMAGE]).await?;
        let namespace = support::test_namespace(10);
        let settings = PreviewSettings { namespace: Namespace::new(&namespace).unwrap(), listen_port: 0, ..PreviewSettings::default() };
        let host = PreviewHost::connect(settings).await.unwrap();
        let state = tempfile::tempdir().unwrap();
        let target = DockerHostTarget::new("docker", host, state.path());
        Some(Self { docker, namespace, target, images: Vec::new(), _state: state })
    }

    /// The page the service serves through the proxy.
    async fn page(&self, service: &str) -> String {
        let status = self.target.status(service).await.unwrap();
        let url = status.notes[0].trim_start_matches("answers at ").to_owned();
        let port: u16 = url.rsplit(':').next().unwrap().trim_end_matches('/').parse().unwrap();
        let response = HttpProbe::new("127.0.0.1", port).get(&format!("{service}.localhost"), "/").await.unwrap();
        response.body.trim().to_owned()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        support::remove_namespace(&self.docker, &self.namespace, &self.images);
    }
}

#[tokio::test]
async fn releases_replace_each_other_and_roll_back() {
    let Some(mut fixture) = Fixture::new().await else { return };
    let one = web_image(&fixture.docker, "one").await;
    let two = web_image(&fixture.docker, "two").await;
    fixture.images = vec![one.clone(), two.clone()];
    let (events, _receiver) = tokio::sync::mpsc::channel(64);

    let first = fixture.target.deploy(&DeployRequest::new("web", ImageRef::new(&one), 1), events.clone()).await.unwrap();
    assert_eq!((first.release.number, first.state), (1, ReleaseState::Live));
    assert_eq!(fixture.page("web").await, "one");

    // Release 2: another image, and a config file that replaces the page.
    let mut request = DeployRequest::new("web", ImageRef::new(&two), 1);
    request.config.files.push(ConfigFile { target: "/www/index.html".into(), content: "two, configured\n".into() });
    fixture.target.deploy(&request, events.clone()).await.unwrap();
    assert_eq!(fixture.page("web").await, "two, configured");
    let status = fixture.target.status("web").await.unwrap();
    assert_eq!((status.release, status.running_replicas), (Some(2), 1));

    let back = fixture.target.rollback("web", None, events.clone()).await.unwrap();
    assert_eq!(back.release.number, 1);
    assert_eq!(fixture.page("web").await, "one");
    let states: Vec<_> = fixture.target.history("web").await.unwrap().iter().map(|r| r.state).collect();
    assert_eq!(states, [ReleaseState::Live, ReleaseState::RolledBack]);
    assert_eq!(fixture.target.status("web").await.unwrap().release, Some(1));

    let mut too_big = DeployRequest::new("web", ImageRef::new(&two), 3);
    too_big.config.env.insert("X".into(), "1".into());
    let refused = fixture.target.deploy(&too_big, events).await.unwrap_err();
    assert!(matches!(&refused, DeployError::Invalid(m) if m.contains("3 replicas")), "{refused}");
}
