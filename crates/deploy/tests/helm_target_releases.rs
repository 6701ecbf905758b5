//! The `kubernetes` target (HelmTarget) over a FAKE helm: no cluster runs here, so these
//! tests check the sequence of helm calls, the values gantry writes per release, the
//! release history, and that a failing `helm test` rolls back — not what a cluster does.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use gantry_deploy::helm::{HelmCli, HelmTarget, HelmTargetSettings};
use gantry_deploy::{DeployError, DeployRequest, DeployTarget, ImageRef, PublishedPort, ReleaseState};
use serde_json::json;

struct Fixture {
    dir: tempfile::TempDir,
    target: HelmTarget,
}

fn chart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charts/hello-python")
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let helm = HelmCli::new(support::fake_helm(dir.path()));
        let settings = HelmTargetSettings {
            name: "kubernetes".into(),
            chart: chart().display().to_string(),
            chart_version: None,
            repo: None,
            namespace: "ci".into(),
            timeout: Duration::from_secs(90),
            run_tests: true,
            overrides: json!({"main_app": {"replicas": 5}}),
            state_dir: dir.path().join("state"),
        };
        Self { target: HelmTarget::new(Arc::new(helm), settings), dir }
    }

    fn calls(&self) -> Vec<String> {
        support::fake_helm_calls(self.dir.path())
    }

    fn values(&self, number: u32) -> serde_json::Value {
        let path = self.dir.path().join(format!("state/deploy/kubernetes/web/values-{number}.yaml"));
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(text.trim_start_matches(|c| c != '{')).unwrap()
    }

    fn values_path(&self, number: u32) -> String {
        self.dir.path().join(format!("state/deploy/kubernetes/web/values-{number}.yaml")).display().to_string()
    }
}

fn request(tag: &str) -> DeployRequest {
    let image = ImageRef::new(format!("127.0.0.1:5000/web:{tag}")).with_digest(format!("sha256:{tag}0000"));
    let mut request = DeployRequest::new("web", image, 2);
    request.publish = Some(PublishedPort { container: 8080, host: 30080 });
    request.config.env.insert("GREETING".into(), "hi".into());
    request
}

#[tokio::test]
async fn a_release_is_linted_installed_and_tested_with_the_values_gantry_wrote() {
    let fixture = Fixture::new();
    let (events, _rx) = tokio::sync::mpsc::channel(64);
    let outcome = fixture.target.deploy(&request("v1"), events).await.unwrap();
    assert_eq!((outcome.release.number, outcome.state), (1, ReleaseState::Live));
    let chart = chart().display().to_string();
    let values = fixture.values_path(1);
    assert_eq!(
        fixture.calls(),
        [
            format!("lint {chart} --strict --values {values}"),
            format!("upgrade web {chart} --install --atomic --wait --namespace ci --values {values} --timeout 90s --description gantry release 1"),
            "test web --namespace ci --timeout 90s".to_owned(),
        ]
    );
    assert_eq!(
        fixture.values(1),
        json!({
            "docker": {"registry": "127.0.0.1:5000", "pull_policy": "IfNotPresent"},
            "main_app": {"image": "web", "version": "v1@sha256:v10000", "replicas": 5, "port": 8080},
            "config": {"public": {"GREETING": "hi"}},
        }),
        "the image is pinned to its digest, and the stage's overrides win over the request"
    );
}

#[tokio::test]
async fn a_failing_helm_test_rolls_back_to_the_previous_revision() {
    let fixture = Fixture::new();
    let (events, _rx) = tokio::sync::mpsc::channel(64);
    fixture.target.deploy(&request("v1"), events.clone()).await.unwrap();
    std::fs::write(fixture.dir.path().join("test-fails"), "service-checker: GET / answered 500").unwrap();
    let outcome = fixture.target.deploy(&request("v2"), events).await.unwrap();
    assert_eq!(outcome.state, ReleaseState::RolledBack);
    assert!(outcome.reason.as_deref().unwrap_or_default().contains("answered 500"), "{outcome:?}");
    assert_eq!(fixture.calls().last().unwrap(), "rollback web --namespace ci --wait --timeout 90s");
    let states: Vec<_> = fixture.target.history("web").await.unwrap().iter().map(|r| r.state).collect();
    assert_eq!(states, [ReleaseState::Live, ReleaseState::RolledBack]);
}

#[tokio::test]
async fn a_first_release_that_fails_its_test_is_uninstalled() {
    let fixture = Fixture::new();
    std::fs::write(fixture.dir.path().join("test-fails"), "Phase: Failed").unwrap();
    let (events, _rx) = tokio::sync::mpsc::channel(64);
    let error = fixture.target.deploy(&request("v1"), events).await.unwrap_err();
    assert!(error.to_string().contains("uninstalled"), "{error}");
    assert_eq!(fixture.calls().last().unwrap(), "uninstall web --namespace ci");
    assert_eq!(fixture.target.history("web").await.unwrap()[0].state, ReleaseState::Failed);
}

#[tokio::test]
async fn rollback_by_hand_finds_the_helm_revision_of_the_release() {
    let fixture = Fixture::new();
    let (events, _rx) = tokio::sync::mpsc::channel(64);
    fixture.target.deploy(&request("v1"), events.clone()).await.unwrap();
    fixture.target.deploy(&request("v2"), events.clone()).await.unwrap();
    let history = json!([
        {"revision": 4, "status": "superseded", "description": "gantry release 1"},
        {"revision": 5, "status": "deployed", "description": "gantry release 2"},
    ]);
    std::fs::write(fixture.dir.path().join("history.json"), history.to_string()).unwrap();

    let status = fixture.target.status("web").await.unwrap();
    assert_eq!((status.release, status.image.as_deref()), (Some(2), Some("127.0.0.1:5000/web:v2@sha256:v20000")));
    let outcome = fixture.target.rollback("web", None, events.clone()).await.unwrap();
    assert_eq!(outcome.release.number, 1);
    assert_eq!(fixture.calls().last().unwrap(), "rollback web 4 --namespace ci --wait --timeout 90s");

    let error = fixture.target.rollback("web", Some(9), events).await.unwrap_err();
    assert!(matches!(error, DeployError::NoPreviousRelease { .. }), "{error}");
}

#[tokio::test]
async fn canaries_and_config_files_are_refused() {
    let fixture = Fixture::new();
    let mut with_file = request("v1");
    with_file.config.files.push(gantry_deploy::ConfigFile { target: "/etc/x".into(), content: "x".into() });
    let (events, _rx) = tokio::sync::mpsc::channel(64);
    let error = fixture.target.deploy(&with_file, events).await.unwrap_err();
    assert!(matches!(&error, DeployError::Invalid(m) if m.contains("config files")), "{error}");
    assert!(fixture.calls().is_empty());
}
