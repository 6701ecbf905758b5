//! The real helm 3 renders, lints (against the chart's values.schema.json) and packages
//! examples/charts/hello-python with values gantry writes. No cluster is involved.

mod support;

use std::path::{Path, PathBuf};

use gantry_deploy::DeployError;
use gantry_deploy::helm::{ChartValues, Helm, HelmCall, HelmCli, HelmRelease};
use serde_json::json;

fn chart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charts/hello-python")
}

fn helm() -> Option<HelmCli> {
    support::helm().map(HelmCli::new)
}

fn release(values: &ChartValues, dir: &Path) -> HelmRelease {
    let values_file = values.write(dir).unwrap();
    HelmRelease::new("pr-42", chart().to_string_lossy(), values_file)
}

#[test]
fn gantry_values_render_into_the_deployment() {
    let Some(helm) = helm() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut values = ChartValues::for_reference("127.0.0.1:5000/gantry/hello-python:2026-05-12-175031-production");
    values.overrides = json!({"main_app": {"replicas": 3}, "config": {"public": {"GREETING": "hi"}}});
    let rendered = helm.run(&HelmCall::Template(release(&values, dir.path()))).unwrap();

    assert!(rendered.contains("image: \"127.0.0.1:5000/gantry/hello-python:2026-05-12-175031-production\""), "{rendered}");
    assert!(rendered.contains("replicas: 3"), "{rendered}");
    assert!(rendered.contains("- name: GREETING\n              value: \"hi\""), "{rendered}");
    assert!(rendered.contains("name: hello-python-pr-42\n"), "{rendered}");
    assert!(rendered.contains("\"helm.sh/hook\": test"), "the helm test hook is rendered: {rendered}");
}

#[test]
fn lint_passes_with_gantry_values_and_reports_what_is_missing() {
    let Some(helm) = helm() else { return };
    let dir = tempfile::tempdir().unwrap();
    let values = ChartValues::pipelinelib("hello-python", "v1");
    let lint = HelmCall::Lint { chart: chart(), values_file: values.write(dir.path()).unwrap() };
    let output = helm.run(&lint).unwrap();
    assert!(output.contains("1 chart(s) linted, 0 chart(s) failed"), "{output}");

    let mut broken = values.clone();
    broken.overrides = json!({"main_app": {"image": ""}});
    let broken_lint = HelmCall::Lint { chart: chart(), values_file: broken.write(&dir.path().join("broken")).unwrap() };
    let error = helm.run(&broken_lint).unwrap_err();
    let DeployError::Engine { operation, reason, .. } = &error else { panic!("{error}") };
    assert!(operation.starts_with("helm lint "), "{operation}");
    assert!(reason.contains("main_app.image: String length must be greater than or equal to 1"), "{reason}");
}

#[test]
fn the_chart_packages() {
    let Some(helm) = helm() else { return };
    let dir = tempfile::tempdir().unwrap();
    let output = helm.run(&HelmCall::Package { chart: chart(), destination: dir.path().to_owned() }).unwrap();
    assert!(dir.path().join("hello-python-0.1.0.tgz").is_file(), "{output}");
}
