//! The helm calls that need a Kubernetes cluster (`upgrade --install`, `test`, `rollback`,
//! `uninstall`, `history`), checked against a FAKE helm that records its arguments: no
//! cluster runs here, so these tests show what gantry asks helm, not what a cluster does
//! with it (docs/environments.md lists what is untested).

mod support;

use std::time::Duration;

use gantry_deploy::DeployError;
use gantry_deploy::helm::{Helm, HelmCall, HelmCli, HelmRelease};

fn release() -> HelmRelease {
    let mut release = HelmRelease::new("pr-42", "hello-python", "/tmp/values.yaml");
    release.repo = Some("https://helm-charts.wikimedia.org/stable/".into());
    release.chart_version = Some("0.1.0".into());
    release.description = Some("gantry release 7".into());
    release
}

#[test]
fn cluster_calls_send_pipelinelibs_flags_and_the_kubeconfig() {
    let dir = tempfile::tempdir().unwrap();
    let mut helm = HelmCli::new(support::fake_helm(dir.path()));
    helm.kubeconfig = Some("/etc/kubernetes/ci-staging.config".into());
    let rollback = HelmCall::Rollback { name: "pr-42".into(), namespace: "ci".into(), revision: Some(3), timeout: Duration::from_secs(60) };
    let history = HelmCall::History { name: "pr-42".into(), namespace: "ci".into() };
    helm.run(&HelmCall::UpgradeInstall(release())).unwrap();
    helm.run(&rollback).unwrap();
    helm.run(&HelmCall::Uninstall { name: "pr-42".into(), namespace: "ci".into() }).unwrap();
    assert_eq!(helm.run(&history).unwrap().trim(), "[]");
    assert_eq!(
        support::fake_helm_calls(dir.path()),
        [
            "upgrade pr-42 hello-python --install --atomic --wait --namespace ci --values /tmp/values.yaml --version 0.1.0 \
             --repo https://helm-charts.wikimedia.org/stable/ --timeout 120s --description gantry release 7 \
             --kubeconfig /etc/kubernetes/ci-staging.config",
            "rollback pr-42 3 --namespace ci --wait --timeout 60s --kubeconfig /etc/kubernetes/ci-staging.config",
            "uninstall pr-42 --namespace ci --kubeconfig /etc/kubernetes/ci-staging.config",
            "history pr-42 --namespace ci --output json --kubeconfig /etc/kubernetes/ci-staging.config",
        ]
    );
}

#[test]
fn a_failing_helm_test_is_an_error_with_helms_message() {
    let dir = tempfile::tempdir().unwrap();
    let helm = HelmCli::new(support::fake_helm(dir.path()));
    std::fs::write(dir.path().join("test-fails"), "Phase: Failed").unwrap();
    let test = HelmCall::Test { name: "pr-42".into(), namespace: "ci".into(), timeout: Duration::from_secs(120) };
    let error = helm.run(&test).unwrap_err();
    assert_eq!(
        error,
        DeployError::Engine { target: "helm".into(), operation: "helm test pr-42".into(), reason: "Phase: Failed".into() }
    );
    assert_eq!(support::fake_helm_calls(dir.path()), ["test pr-42 --namespace ci --timeout 120s"]);
}

#[test]
fn render_calls_never_get_cluster_flags() {
    let dir = tempfile::tempdir().unwrap();
    let mut helm = HelmCli::new(support::fake_helm(dir.path()));
    helm.kube_context = Some("ci".into());
    helm.run(&HelmCall::Template(release())).unwrap();
    assert_eq!(
        support::fake_helm_calls(dir.path()),
        ["template pr-42 hello-python --namespace ci --values /tmp/values.yaml --version 0.1.0 --repo https://helm-charts.wikimedia.org/stable/"]
    );
}

#[test]
fn a_missing_helm_binary_says_how_to_install_it() {
    let error = HelmCli::new("/nonexistent/helm").run(&HelmCall::Template(release())).unwrap_err();
    assert!(error.to_string().contains("scripts/setup-helm.sh"), "{error}");
}
