//! PipelineLib's `deploy` and `promote` steps inside `gantry run`, on the real engine, the
//! real registry, the real helm and a real git remote:
//! - `docker` target: a stage builds, publishes and deploys a preview environment that
//!   answers at its URL with the stage's overrides (port, environment); a release that never
//!   answers fails its stage and leaves nothing;
//! - `kubernetes` target: the chart is linted with gantry's values by the real helm, then the
//!   install reaches for the configured cluster (none runs here: the failure names it), and
//!   values the chart's schema rejects fail before any cluster call;
//! - `promote`: a review branch in a bare deployment-charts remote, naming the pushed digest;
//! - no target configured: the step fails with how to configure one.

mod debug_support;
mod release_support;
mod run_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use debug_support::{describe, docker, engine_has};
use release_support::{charts_remote, git, proxy_get};
use run_support::{leftovers, only_record, stage};
use serde_json::Value;

const PYTHON_BASE: &str = "gantry.local/bookworm-python3:1";

/// A web page served by Python's http.server on `PORT`, writing `$GREETING` to /greeting.
const BLUBBER: &str = r#"version: v4
base: gantry.local/bookworm-python3:1
lives:
  in: /srv/site
variants:
  web:
    copies: [local]
    entrypoint: [sh, -c, 'mkdir -p /tmp/www && cp index.html /tmp/www/ && echo "$GREETING" > /tmp/www/greeting && exec python3 -m http.server "$PORT" -d /tmp/www']
  broken:
    entrypoint: [sh, -c, "echo cannot start >&2; exit 7"]
"#;

/// A git repository named `site` (its project) on branch `review-42`, with `config` as its
/// pipeline and `settings` as its gantry.toml.
fn site(config: &str, settings: &str) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("a temporary directory");
    let repo = root.path().join("site");
    std::fs::create_dir_all(repo.join(".pipeline")).unwrap();
    std::fs::write(repo.join(".pipeline/blubber.yaml"), BLUBBER).unwrap();
    std::fs::write(repo.join(".pipeline/config.yaml"), config).unwrap();
    std::fs::write(repo.join(".pipeline/gantry.toml"), settings).unwrap();
    std::fs::write(repo.join("index.html"), "<h1>site under review</h1>\n").unwrap();
    std::fs::write(repo.join(".gitignore"), ".gantry/\n").unwrap();
    git(&repo, &["init", "--quiet", "-b", "review-42"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "site"]);
    (root, repo)
}

/// `gantry -C repo ARGS` with preview environments in `namespace`, the proxy on a free port.
fn gantry(repo: &Path, namespace: &str, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary");
    command.env("GANTRY_ENV_NAMESPACE", namespace).env("GANTRY_ENV_PROXY_PORT", "0");
    command.arg("-C").arg(repo).args(args).output().expect("gantry runs")
}

fn run(repo: &Path, namespace: &str) -> Output {
    gantry(repo, namespace, &["run", "--progress", "plain", "--no-cache"])
}

/// Containers of preview namespace `namespace`.
fn environment_containers(namespace: &str) -> Vec<String> {
    let filter = format!("label=gantry.env.namespace={namespace}");
    docker(&["ps", "-a", "-q", "--filter", &filter]).lines().map(str::to_owned).collect()
}

fn deploy_pipeline(variant: &str, deploy: &str) -> String {
    format!(
        "pipelines:\n  review:\n    blubberfile: blubber.yaml\n    stages:\n      - name: preview\n        build: {variant}\n        publish:\n          image:\n            tags: [review]\n        deploy:\n{deploy}"
    )
}

#[test]
fn a_deploy_step_brings_up_a_preview_environment_that_answers_at_its_url() {
    if !engine_has(PYTHON_BASE) {
        return;
    }
    let deploy = "          chart:\n            name: site\n          timeout: 60\n          overrides:\n            main_app:\n              port: 8000\n            config:\n              public:\n                GREETING: hello reviewer\n                PORT: 8000\n";
    let (_root, repo) = site(&deploy_pipeline("web", deploy), "[deploy]\ntarget = \"docker\"\nttl = \"10m\"\n");
    let namespace = format!("gantry-pv{}", std::process::id() % 100_000);
    let output = run(&repo, &namespace);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    let record = only_record(&repo);
    let preview = stage(&record, "preview");
    assert_eq!(preview["exports"]["releaseName"], "site-review-42", "{preview:#}");
    let url = preview["exports"]["url"].as_str().expect("the url binding").to_owned();
    assert!(url.starts_with("http://site-review-42.localhost:"), "{url}");
    let stdout_and_err = describe(&output);
    assert!(stdout_and_err.contains(&url), "the URL is in the log and the summary: {stdout_and_err}");
    let page = proxy_get(&url, "/");
    assert!(page.starts_with("HTTP/1.1 200") && page.contains("site under review"), "{page}");
    let greeting = proxy_get(&url, "/greeting");
    assert!(greeting.contains("hello reviewer"), "overrides.config.public is the environment: {greeting}");
    // The environment outlives the run (a reviewer's link); the run's own containers do not.
    assert_eq!(leftovers(record["run_id"].as_str().unwrap()), Vec::<String>::new());
    assert_eq!(environment_containers(&namespace).len(), 2, "the app and the proxy");

    let down = gantry(&repo, &namespace, &["env", "down", "site-review-42"]);
    assert_eq!(down.status.code(), Some(0), "{}", describe(&down));
    assert_eq!(environment_containers(&namespace), Vec::<String>::new());
}

#[test]
fn a_release_that_never_answers_fails_its_stage_and_leaves_nothing() {
    if !engine_has(PYTHON_BASE) {
        return;
    }
    let deploy = "          chart:\n            name: site\n          timeout: 30\n";
    let (_root, repo) = site(&deploy_pipeline("broken", deploy), "[deploy]\ntarget = \"docker\"\n");
    let namespace = format!("gantry-pb{}", std::process::id() % 100_000);
    let output = run(&repo, &namespace);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let record = only_record(&repo);
    let reason = stage(&record, "preview")["reason"].as_str().unwrap_or_default().to_owned();
    assert!(reason.starts_with("deploy: ") && reason.contains("cannot start"), "the app's last output is in the reason: {reason}");
    assert_eq!(environment_containers(&namespace).len(), 0, "nothing of the failed release is left");
}

#[test]
fn a_promote_step_pushes_a_review_branch_naming_the_published_digest() {
    if !engine_has(PYTHON_BASE) {
        return;
    }
    let charts = tempfile::tempdir().unwrap();
    let bare = charts_remote(charts.path(), "site", "main_app:\n  version: old\n");

    let config = "pipelines:\n  release:\n    blubberfile: blubber.yaml\n    stages:\n      - name: production\n        build: web\n        publish:\n          image: true\n        promote:\n          - chart: site\n            environments: [staging]\n";
    let settings = format!("[promote]\ncharts-repository = {:?}\n", bare.display().to_string());
    let (_root, repo) = site(config, &settings);
    let output = run(&repo, "gantry-unused");
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    let record = only_record(&repo);
    let production = stage(&record, "production");
    let tag = production["exports"]["imageTag"].as_str().expect("imageTag").to_owned();
    let digest = production["published"][0]["digest"].as_str().expect("a digest").to_owned();
    let branch = format!("gantry-promote/site/{tag}");
    let staged = git(&bare, &["show", &format!("{branch}:helmfile.d/services/site/values-staging.yaml")]);
    assert!(staged.contains(&format!("version: {tag}")), "{staged}");
    let message = git(&bare, &["log", "-1", "--format=%B", &branch]);
    assert!(message.contains(&digest), "the commit names the pushed digest: {message}");
    assert!(message.contains(&git(&repo, &["rev-parse", "HEAD"])), "and the source commit: {message}");
    assert!(describe(&output).contains(&format!("promote: pushed refs/heads/{branch}")), "{}", describe(&output));
}

/// helm 3 as scripts/setup-helm.sh installs it; `None` (skip) when absent and not required.
fn helm_installed() -> bool {
    let found = Path::new("/usr/local/lib/gantry/bin/helm").exists()
        || std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("helm").exists()));
    if !found {
        assert!(!debug_support::engine_required(), "helm is required: run scripts/setup.sh");
        eprintln!("SKIP: no helm; run scripts/setup.sh");
    }
    found
}

/// A repository deploying examples/charts/hello-python to a cluster that does not answer.
fn kubernetes_site(overrides: &str) -> (tempfile::TempDir, PathBuf) {
    let deploy = format!(
        "          chart:\n            name: hello-python\n          image: site\n          tag: v1\n          timeout: 20\n          overrides:\n{overrides}"
    );
    let config = format!(
        "pipelines:\n  review:\n    blubberfile: blubber.yaml\n    stages:\n      - name: preview\n        deploy:\n{deploy}"
    );
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/charts");
    let settings = format!(
        "[deploy]\ntarget = \"kubernetes\"\ncharts-dir = {:?}\nkubeconfig = \"kubeconfig\"\n",
        charts.canonicalize().unwrap().display().to_string()
    );
    let (root, repo) = site(&config, &settings);
    // A cluster at an address where nothing listens.
    let kubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- name: none\n  cluster:\n    server: https://127.0.0.1:9\ncontexts:\n- name: none\n  context:\n    cluster: none\n    user: none\ncurrent-context: none\nusers:\n- name: none\n  user:\n    token: t\n";
    std::fs::write(repo.join(".pipeline/kubeconfig"), kubeconfig).unwrap();
    (root, repo)
}

fn preview_reason(repo: &Path) -> String {
    let record: Value = only_record(repo);
    stage(&record, "preview")["reason"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn a_kubernetes_deploy_lints_with_real_helm_then_names_the_unreachable_cluster() {
    if !helm_installed() {
        return;
    }
    let (_root, repo) = kubernetes_site("            main_app:\n              replicas: 2\n");
    let output = run(&repo, "gantry-unused");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let reason = preview_reason(&repo);
    // The lint passed (a lint failure says so); the install is the call that needs a cluster.
    assert!(reason.contains("helm upgrade") && reason.contains("127.0.0.1:9"), "{reason}");
    let values = std::fs::read_dir(repo.join(".gantry/runs")).unwrap().next().unwrap().unwrap().path().join("helm-values");
    assert!(!values.exists(), "the run's values files go when the run ends");
}

#[test]
fn kubernetes_values_the_chart_schema_rejects_fail_before_the_cluster_is_asked() {
    if !helm_installed() {
        return;
    }
    let (_root, repo) = kubernetes_site("            main_app:\n              replicas: many\n");
    let output = run(&repo, "gantry-unused");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let reason = preview_reason(&repo);
    assert!(reason.contains("does not lint with these values") && reason.contains("replicas"), "{reason}");
    assert!(!reason.contains("127.0.0.1:9"), "no cluster call: {reason}");
}

#[test]
fn a_deploy_step_without_a_target_says_how_to_configure_one() {
    if !engine_has(PYTHON_BASE) {
        return;
    }
    let config = "pipelines:\n  review:\n    blubberfile: blubber.yaml\n    stages:\n      - name: preview\n        deploy:\n          chart:\n            name: site\n          image: site\n          tag: v1\n";
    let (_root, repo) = site(config, "");
    let output = run(&repo, "gantry-unused");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let reason = preview_reason(&repo);
    assert!(reason.contains("set [deploy] target"), "{reason}");
}
