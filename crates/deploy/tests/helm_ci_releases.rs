//! PipelineLib's `deploy` step on the `kubernetes` target (`CiReleases`) over a FAKE helm: no
//! cluster runs here, so these tests check the calls and their order — lint of a local chart,
//! `upgrade --install --atomic --wait`, `helm test`, and `uninstall` of every release at
//! teardown, also after a failed test — and the values gantry writes. The real helm's lint
//! and the unreachable-cluster path are tested through `gantry run`
//! (crates/cli/tests/run_release_steps.rs).

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use gantry_deploy::helm::{CiClusterSettings, CiDeploy, CiReleases, HelmCli};
use serde_json::json;

struct Fixture {
    dir: tempfile::TempDir,
    releases: CiReleases,
}

fn charts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charts")
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut helm = HelmCli::new(support::fake_helm(dir.path()));
        helm.kubeconfig = Some(dir.path().join("kubeconfig"));
        let settings = CiClusterSettings {
            namespace: "ci".into(),
            repo: Some("https://helm-charts.wikimedia.org/stable/".into()),
            charts_dir: Some(charts_dir()),
            values_dir: dir.path().join("values"),
        };
        Self { releases: CiReleases::new(Arc::new(helm), settings), dir }
    }

    fn calls(&self) -> Vec<String> {
        support::fake_helm_calls(self.dir.path())
    }
}

fn request(chart: &str) -> CiDeploy {
    CiDeploy {
        chart: chart.into(),
        chart_version: None,
        image: "127.0.0.1:5000/wikimedia/hello-python:2026-11-26-074407-preview".into(),
        test: true,
        timeout: Duration::from_secs(60),
        overrides: json!({"main_app": {"replicas": 2}}),
    }
}

#[test]
fn a_local_chart_is_linted_installed_tested_and_uninstalled_at_teardown() {
    let fixture = Fixture::new();
    let name = fixture.releases.install(&request("hello-python")).unwrap();
    assert!(name.len() == 8 && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{name}");
    let values_file = fixture.dir.path().join(format!("values/{name}/values.yaml"));
    let text = std::fs::read_to_string(&values_file).unwrap();
    let values: serde_json::Value = serde_json::from_str(text.trim_start_matches(|c| c != '{')).unwrap();
    assert_eq!(values["docker"]["registry"], "127.0.0.1:5000");
    assert_eq!(values["main_app"]["image"], "wikimedia/hello-python");
    assert_eq!(values["main_app"]["version"], "2026-11-26-074407-preview");
    assert_eq!(values["main_app"]["replicas"], 2, "the stage's overrides are merged");

    let chart = charts_dir().join("hello-python");
    let (values, chart, kubeconfig) = (values_file.display(), chart.display(), fixture.dir.path().join("kubeconfig"));
    let kubeconfig = kubeconfig.display();
    assert_eq!(
        fixture.calls(),
        vec![
            format!("lint {chart} --strict --values {values}"),
            format!(
                "upgrade {name} {chart} --install --atomic --wait --namespace ci --values {values} --timeout 60s --description gantry pipeline deploy --kubeconfig {kubeconfig}"
            ),
            format!("test {name} --namespace ci --timeout 60s --kubeconfig {kubeconfig}"),
        ],
        "a local chart comes from its directory, never from the repo"
    );
    fixture.releases.teardown().unwrap();
    assert_eq!(fixture.calls().last().unwrap(), &format!("uninstall {name} --namespace ci --kubeconfig {kubeconfig}"));
    assert!(!fixture.dir.path().join("values").exists(), "the values files go with the releases");
    fixture.releases.teardown().unwrap();
    assert_eq!(fixture.calls().len(), 4, "a second teardown has nothing left to remove");
}

#[test]
fn a_chart_not_found_locally_comes_from_the_repo_at_the_asked_version_without_tests() {
    let fixture = Fixture::new();
    let request = CiDeploy { chart_version: Some("0.3.1".into()), test: false, ..request("mathoid") };
    let name = fixture.releases.install(&request).unwrap();
    let calls = fixture.calls();
    assert_eq!(calls.len(), 1, "no lint without a local chart, no test: {calls:?}");
    assert!(calls[0].starts_with(&format!("upgrade {name} mathoid --install")), "{calls:?}");
    assert!(calls[0].contains("--version 0.3.1 --repo https://helm-charts.wikimedia.org/stable/"), "{calls:?}");
}

#[test]
fn a_failed_test_fails_the_deploy_and_teardown_still_uninstalls_the_release() {
    let fixture = Fixture::new();
    std::fs::write(fixture.dir.path().join("test-fails"), "pod hello-python-service-checker failed").unwrap();
    let error = fixture.releases.install(&request("hello-python")).unwrap_err().to_string();
    assert!(error.contains("helm test") && error.contains("service-checker failed"), "{error}");
    fixture.releases.teardown().unwrap();
    assert!(fixture.calls().last().unwrap().starts_with("uninstall "), "{:?}", fixture.calls());
}
