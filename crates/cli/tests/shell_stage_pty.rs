//! `gantry shell STAGE` (without `--failed`) on the real engine, driven through a real
//! pseudo-terminal: the stages it needs run, and the shell opens in the container the stage's
//! `run` step would start — its image, user, environment, credentials and working directory —
//! instead of the stage's command. The shell's exit status decides gantry's, and nothing the
//! session created stays on the engine, also when it is interrupted.

mod debug_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use debug_support::{BOOKWORM, Terminal, describe, docker, engine_has, gantry};

/// The variants run as `tester` (uid 4242) in `/srv/shelltest` with `VARIANT_ENV` set; the
/// stage's command would print `ran-42`.
const BLUBBER: &str = r#"version: v4
base: gantry.local/bookworm:1
lives:
  in: /srv/shelltest
runs:
  as: tester
  uid: 4242
  gid: 4242
  environment:
    VARIANT_ENV: from-variant
variants:
  prepare:
    entrypoint: [sh, -c, "echo prepared"]
  check:
    entrypoint: [sh, -c, "echo ran-$((6*7))"]
"#;

/// `check` needs `prepare` (and reads its image ID); `image-only` has no `run` step.
const CONFIG: &str = r#"pipelines:
  test:
    blubberfile: blubber.yaml
    stages:
      - name: prepare
        build: prepare
        run: true
      - name: check
        build: check
        run:
          env:
            STAGE_ENV: from-stage
            PREPARED: '${prepare.imageID}'
          credentials:
            - id: API_TOKEN
              name: API_TOKEN
      - name: image-only
        build: check
    execution:
      - [prepare, check]
      - [image-only]
"#;

const TOKEN: &str = "shell-token-8812";

fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".pipeline")).unwrap();
    std::fs::write(repo.path().join(".pipeline/blubber.yaml"), BLUBBER).unwrap();
    std::fs::write(repo.path().join(".pipeline/config.yaml"), CONFIG).unwrap();
    repo
}

/// The run ID gantry names when it starts a shell session: `(run ID)`.
fn run_id(text: &str) -> String {
    let start = text.find("(run ").unwrap_or_else(|| panic!("no run ID in:\n{text}")) + "(run ".len();
    text[start..].split(')').next().unwrap().to_owned()
}

/// Containers labelled with run `run_id`, and images tagged with its local names.
fn leftovers(run_id: &str) -> String {
    let containers = docker(&["ps", "-a", "-q", "--filter", &format!("label=gantry.run={run_id}")]);
    let images = docker(&["images", "--format", "{{.Repository}}"]);
    let prefix = format!("localhost/gantry-{run_id}/");
    let tagged: Vec<&str> = images.lines().filter(|repository| repository.starts_with(&prefix)).collect();
    format!("{}{}", containers.trim(), tagged.join(" "))
}

#[test]
fn a_shell_opens_in_the_stage_container_after_the_stages_it_needs() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = repository();
    let env = [("API_TOKEN", TOKEN)];
    let mut terminal = Terminal::start_with_env(repo.path(), &["shell", "--no-cache", "test:check"], &env, 24, 80);
    terminal.expect("a shell in test/check");
    // The needed stage ran its command; then the executor opens the session.
    terminal.expect("prepared\r\n");
    terminal.expect("in a container of sha256:");
    terminal.type_text("echo \"user=$(id -un) uid=$(id -u) dir=$(pwd)\"; echo \"env=$STAGE_ENV/$VARIANT_ENV/$API_TOKEN\"; echo \"prep=${#PREPARED}\"; tty\r");
    terminal.expect("user=tester uid=4242 dir=/srv/shelltest");
    terminal.expect(&format!("env=from-stage/from-variant/{TOKEN}"));
    // The needed stage's image ID (64 hex digits) reached the environment.
    terminal.expect("prep=64");
    terminal.expect("/dev/pts/");
    terminal.type_text("exit 4\r");
    assert_eq!(terminal.wait(), 1, "{}", terminal.screen());
    let screen = terminal.screen();
    assert!(screen.contains("exited with status 4"), "{screen}");
    assert!(!screen.contains("ran-42"), "the stage's own command must not run:\n{screen}");
    let run = run_id(&screen);
    assert_eq!(leftovers(&run), "", "the session left these on the engine");
    assert!(!repo.path().join(".gantry/runs").join(&run).exists(), "a shell session keeps no run record");
}

#[test]
fn a_stage_without_a_run_step_opens_its_built_image_and_a_command_runs_without_a_terminal() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = repository();
    let output = gantry(repo.path(), &["shell", "--no-cache", "image-only", "--", "sh", "-c", "id -un; pwd; echo \"v=$VARIANT_ENV s=$STAGE_ENV\"; exit 0"]);
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().collect::<Vec<_>>(), ["tester", "/srv/shelltest", "v=from-variant s="], "{}", describe(&output));
    let run = run_id(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(leftovers(&run), "", "the session left these on the engine");
}

#[test]
fn an_unknown_stage_is_named_with_a_suggestion() {
    let repo = repository();
    let output = gantry(repo.path(), &["shell", "chek"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("'chek'") && stderr.contains("did you mean 'check'?"), "{stderr}");
}

#[test]
fn an_interrupted_session_leaves_nothing_on_the_engine() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let repo = repository();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("gantry"))
        .arg("-C")
        .arg(repo.path())
        .args(["shell", "--no-cache", "image-only", "--", "sleep", "300"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("(run ") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "gantry ended before it named its run");
    }
    let run = run_id(&line);
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    wait_for_container(&run);
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(leftovers(&run), "", "the interrupted session left these on the engine");
}

/// Waits until run `run_id` has a running container (the session's).
fn wait_for_container(run_id: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let filter = format!("label=gantry.run={run_id}");
    while docker(&["ps", "-q", "--filter", &filter]).trim().is_empty() {
        assert!(Instant::now() < deadline, "no container of run {run_id} started");
        std::thread::sleep(Duration::from_millis(200));
    }
}

