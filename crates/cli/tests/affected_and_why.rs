//! `gantry affected --base REV` and `gantry why STAGE` on a real git repository.
//!
//! The engine is deliberately unreachable here (`DOCKER_HOST` points nowhere), so base images
//! are compared by reference and the tests need no engine; the cache directory is a
//! temporary one.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

const BLUBBER: &str = "version: v4
base: gantry.local/busybox:1
lives:
  in: /srv/app
variants:
  test:
    copies: [local]
    entrypoint: [sh, test.sh]
  production:
    copies:
      - from: local
        source: app.sh
        destination: app.sh
    entrypoint: [sh, app.sh]
";

const CONFIG: &str = "pipelines:
  service:
    blubberfile: blubber.yaml
    stages:
      - name: test
      - name: candidate
        build: production
        run: false
    execution:
      - [test]
      - [candidate]
";

struct Repo {
    dir: tempfile::TempDir,
    tmp: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Repo { dir: tempfile::tempdir().unwrap(), tmp: tempfile::tempdir().unwrap(), cache: tempfile::tempdir().unwrap() };
        for (path, text) in [
            (".pipeline/blubber.yaml", BLUBBER),
            (".pipeline/config.yaml", CONFIG),
            ("app.sh", "echo hello\n"),
            ("test.sh", "sh app.sh | grep -q hello\n"),
            (".dockerignore", ".git\n"),
        ] {
            repo.write(path, text);
        }
        repo.git(&["init", "-q"]);
        repo.git(&["add", "-A"]);
        repo.git(&["-c", "user.email=ci@example.org", "-c", "user.name=ci", "commit", "-qm", "base"]);
        repo
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn git(&self, args: &[&str]) {
        let status = Process::new("git").arg("-C").arg(self.dir.path()).args(args).status().unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn gantry(&self, args: &[&str]) -> (i32, String, String) {
        let output = Command::cargo_bin("gantry")
            .unwrap()
            .arg("-C")
            .arg(self.dir.path())
            .args(args)
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .env("TMPDIR", self.tmp.path())
            .env("GANTRY_CACHE_DIR", self.cache.path())
            .output()
            .unwrap();
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
    }
}

fn leftovers(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn nothing_is_affected_when_the_tree_equals_the_revision() {
    let repo = Repo::new();
    let (code, stdout, stderr) = repo.gantry(&["affected", "--base", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "unchanged: service:test, service:candidate\n");
    assert_eq!(leftovers(repo.tmp.path()), 0, "the unpacked revision is removed");
}

#[test]
fn a_changed_file_affects_exactly_the_stages_that_read_it() {
    let repo = Repo::new();
    repo.write("test.sh", "sh app.sh | grep -q hello && echo ok\n");
    let (code, stdout, stderr) = repo.gantry(&["affected", "--base", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "service:test\n  build-context file test.sh changed\nunchanged: service:candidate\n");

    repo.write("app.sh", "echo hello world\n");
    let (_, stdout, _) = repo.gantry(&["affected", "--base", "HEAD"]);
    assert_eq!(
        stdout,
        "service:test\n  build-context file app.sh changed\n  build-context file test.sh changed\n\
         service:candidate\n  build-context file app.sh changed\n"
    );
    assert_eq!(leftovers(repo.tmp.path()), 0);
}

#[test]
fn settings_are_reasons_too() {
    let repo = Repo::new();
    repo.write(".pipeline/config.yaml", &CONFIG.replace("run: false", "run:\n          env: {MODE: fast}"));
    let (_, stdout, _) = repo.gantry(&["affected", "--base", "HEAD"]);
    assert!(stdout.contains("service:candidate\n"), "{stdout}");
    assert!(stdout.contains("step setting run.env.MODE added: \"fast\""), "{stdout}");
}

#[test]
fn an_unknown_revision_is_a_usage_error_and_leaves_nothing_behind() {
    let repo = Repo::new();
    let (code, _, stderr) = repo.gantry(&["affected", "--base", "no-such-branch"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(leftovers(repo.tmp.path()), 0);
}

#[test]
fn why_says_a_stage_runs_when_the_cache_has_no_earlier_result() {
    let repo = Repo::new();
    let (code, stdout, stderr) = repo.gantry(&["why", "service:candidate"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("service:candidate: will run (key blake3:"), "{stdout}");
    assert!(stdout.contains("no earlier result of service:candidate in the cache"), "{stdout}");
    let (code, _, stderr) = repo.gantry(&["why", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no planned stage `nope`"), "{stderr}");
}

#[test]
fn run_changed_since_a_revision_with_no_changes_has_nothing_to_run() {
    let repo = Repo::new();
    let (code, _, stderr) = repo.gantry(&["run", "--changed-since", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no stage's inputs changed since HEAD; nothing to run"), "{stderr}");
    assert_eq!(leftovers(repo.tmp.path()), 0);
}
