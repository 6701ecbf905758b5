//! `promote` against real git repositories: a bare "deployment-charts" remote seeded with
//! both layouts of `helmfile.d/services`, promoted through a fresh clone. The remote must
//! end with one reviewable branch per promotion, its base branch untouched.

use std::path::{Path, PathBuf};
use std::process::Command;

use gantry_deploy::ImageRef;
use gantry_deploy::promote::{PromoteError, Promoter, Promotion};

const VALUES: &str = "\
# mathoid: shared values
docker:
  registry: docker-registry.wikimedia.org
main_app:
  image: wikimedia/mathoid
  version: 2024-01-02-000000-production # set by the pipeline bot
  port: 10044
";
const VALUES_EQIAD: &str = "main_app:\n  version: 2024-01-01-000000-production\nresources:\n  replicas: 4\n";
const VALUES_STAGING: &str = "# staging only\nmain_app:\n  version: 2024-01-01-000000-production\n";
const CITOID_EQIAD: &str = "main_app:\n  version: old\n";

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=seed", "-c", "user.email=seed@localhost", "-c", "init.defaultBranch=master"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A bare remote whose `master` holds the seeded charts.
struct Remote {
    _dir: tempfile::TempDir,
    bare: PathBuf,
}

impl Remote {
    fn seeded() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bare = dir.path().join("deployment-charts.git");
        let seed = dir.path().join("seed");
        git(dir.path(), &["init", "--quiet", "--bare", bare.to_str().unwrap()]);
        git(dir.path(), &["clone", "--quiet", bare.to_str().unwrap(), seed.to_str().unwrap()]);
        for (path, text) in [
            ("helmfile.d/services/mathoid/values.yaml", VALUES),
            ("helmfile.d/services/mathoid/values-eqiad.yaml", VALUES_EQIAD),
            ("helmfile.d/services/mathoid/values-staging.yaml", VALUES_STAGING),
            ("helmfile.d/services/eqiad/citoid/values.yaml", CITOID_EQIAD),
        ] {
            let path = seed.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        git(&seed, &["add", "."]);
        git(&seed, &["commit", "--quiet", "-m", "charts"]);
        git(&seed, &["push", "--quiet", "origin", "HEAD:master"]);
        Self { _dir: dir, bare }
    }

    fn show(&self, reference: &str, path: &str) -> Option<String> {
        let output = Command::new("git").arg("--git-dir").arg(&self.bare).args(["show", &format!("{reference}:{path}")]).output().unwrap();
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn git(&self, args: &[&str]) -> String {
        git(&self.bare, args)
    }
}

fn promotion(chart: &str, environments: &[&str], version: &str) -> Promotion {
    Promotion {
        chart: chart.into(),
        environments: environments.iter().map(|e| e.to_string()).collect(),
        version: version.into(),
        image: ImageRef::new(format!("docker-registry.wikimedia.org/wikimedia/{chart}:{version}"))
            .with_digest("sha256:4f2a0000000000000000000000000000000000000000000000000000000000aa"),
        source_commit: "0123456789abcdef0123456789abcdef01234567".into(),
        source_repository: Some("mediawiki/services/mathoid".into()),
    }
}

fn promote(remote: &Remote, promotions: &[Promotion]) -> Result<Vec<gantry_deploy::promote::PromotedBranch>, PromoteError> {
    let work = tempfile::tempdir().unwrap();
    Promoter::new(remote.bare.to_str().unwrap()).promote(promotions, &work.path().join("checkout"))
}

#[test]
fn promoting_some_environments_pushes_a_branch_with_the_edited_env_files() {
    let remote = Remote::seeded();
    let master_before = remote.git(&["rev-parse", "master"]);
    let version = "2026-05-12-175031-production";
    let pushed = promote(&remote, &[promotion("mathoid", &["staging", "codfw"], version)]).unwrap();

    let branch = "gantry-promote/mathoid/2026-05-12-175031-production";
    assert_eq!(pushed[0].pushed_ref, format!("refs/heads/{branch}"));
    assert_eq!(
        pushed[0].files,
        [PathBuf::from("helmfile.d/services/mathoid/values-staging.yaml"), PathBuf::from("helmfile.d/services/mathoid/values-codfw.yaml")]
    );
    assert_eq!(remote.git(&["rev-parse", "master"]), master_before, "the base branch moved");
    assert_eq!(remote.git(&["rev-parse", branch]).trim(), pushed[0].commit.as_deref().unwrap());
    assert_eq!(remote.git(&["rev-parse", &format!("{branch}^")]), master_before, "the branch starts at master");

    let staging = remote.show(branch, "helmfile.d/services/mathoid/values-staging.yaml").unwrap();
    assert_eq!(staging, VALUES_STAGING.replace("2024-01-01-000000-production", version));
    let codfw = remote.show(branch, "helmfile.d/services/mathoid/values-codfw.yaml").unwrap();
    assert_eq!(codfw, format!("main_app:\n  version: {version}\n"));
    assert_eq!(remote.show(branch, "helmfile.d/services/mathoid/values.yaml").unwrap(), VALUES);

    let message = remote.git(&["log", "-1", "--format=%B", branch]);
    assert!(message.starts_with("mathoid: pipeline bot promote\n\nPromote mathoid to version 2026-05-12-175031-production in staging, codfw\n"), "{message}");
    assert!(message.contains("@sha256:4f2a"), "the image digest is not named: {message}");
    assert!(message.contains("Source-Commit: 0123456789abcdef0123456789abcdef01234567"), "{message}");
    let author = remote.git(&["log", "-1", "--format=%an <%ae>", branch]);
    assert_eq!(author.trim(), "gantry <gantry@localhost>");
}

#[test]
fn promoting_every_environment_sets_values_yaml_and_clears_the_env_files() {
    let remote = Remote::seeded();
    let pushed = promote(&remote, &[promotion("mathoid", &[], "v2")]).unwrap();
    let branch = "gantry-promote/mathoid/v2";
    assert_eq!(pushed[0].files.len(), 3, "{:?}", pushed[0].files);
    let values = remote.show(branch, "helmfile.d/services/mathoid/values.yaml").unwrap();
    assert_eq!(values, VALUES.replace("2024-01-02-000000-production", "v2"), "comments and order are kept");
    let eqiad = remote.show(branch, "helmfile.d/services/mathoid/values-eqiad.yaml").unwrap();
    assert_eq!(eqiad, "resources:\n  replicas: 4\n");
    assert_eq!(remote.show(branch, "helmfile.d/services/mathoid/values-staging.yaml"), None, "an emptied file is deleted");
}

#[test]
fn the_old_layout_and_several_promotions_get_a_branch_each() {
    let remote = Remote::seeded();
    let pushed = promote(&remote, &[promotion("citoid", &["eqiad"], "v3"), promotion("mathoid", &["eqiad"], "v3")]).unwrap();
    assert_eq!(pushed.len(), 2);
    let citoid = remote.show("gantry-promote/citoid/v3", "helmfile.d/services/eqiad/citoid/values.yaml").unwrap();
    assert_eq!(citoid, "main_app:\n  version: v3\n");
    let mathoid_branch = "gantry-promote/mathoid/v3";
    assert_eq!(remote.show(mathoid_branch, "helmfile.d/services/eqiad/citoid/values.yaml").unwrap(), CITOID_EQIAD, "branches are independent");
}

#[test]
fn nothing_is_pushed_when_the_version_is_already_there() {
    let remote = Remote::seeded();
    let pushed = promote(&remote, &[promotion("citoid", &["eqiad"], "old")]).unwrap();
    assert_eq!(pushed[0].commit, None);
    assert!(!remote.git(&["branch", "--list"]).contains("gantry-promote"));
}

#[test]
fn an_existing_review_branch_is_not_overwritten() {
    let remote = Remote::seeded();
    promote(&remote, &[promotion("mathoid", &["staging"], "v4")]).unwrap();
    let first = remote.git(&["rev-parse", "gantry-promote/mathoid/v4"]);
    // Same branch name, other content (an identical commit would be a no-op push).
    let error = promote(&remote, &[promotion("mathoid", &["eqiad"], "v4")]).unwrap_err();
    assert!(matches!(&error, PromoteError::Git { command, .. } if command.starts_with("push")), "{error}");
    assert_eq!(remote.git(&["rev-parse", "gantry-promote/mathoid/v4"]), first);
}

#[test]
fn unknown_charts_and_environments_are_refused_before_anything_is_pushed() {
    let remote = Remote::seeded();
    let missing = promote(&remote, &[promotion("nope", &[], "v1")]).unwrap_err();
    assert!(missing.to_string().contains("chart nope is neither"), "{missing}");
    let bad_env = promote(&remote, &[promotion("mathoid", &["moon"], "v1")]).unwrap_err();
    assert!(bad_env.to_string().contains("\"moon\" is not one of staging, codfw, eqiad"), "{bad_env}");
    assert!(!remote.git(&["branch", "--list"]).contains("gantry-promote"));
}
