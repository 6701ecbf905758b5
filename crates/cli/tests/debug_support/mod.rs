//! Shared by the debugging tests (`shell_*`, `history_*`, `diff_*`, `replay_*`, `secrets_*`):
//! the engine-required rule, the real `gantry` binary under a pseudo-terminal, and the
//! `docker` CLI for looking at what gantry left on the engine.
//!
//! Engine tests run against the real Docker engine. When it (or a local base image) is
//! missing they FAIL if `CI=true` or `GANTRY_REQUIRE_ENGINE=1`, and otherwise print one `SKIP`
//! line and pass.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// A Debian image with bash, from scripts/setup-base-images.sh.
pub const BOOKWORM: &str = "gantry.local/bookworm:1";

pub fn engine_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var("GANTRY_REQUIRE_ENGINE").is_ok_and(|v| v == "1")
}

/// True when the engine has `image`; otherwise skips (false) or fails the test.
pub fn engine_has(image: &str) -> bool {
    let found = Command::new("docker").args(["image", "inspect", image]).output();
    match found {
        Ok(output) if output.status.success() => true,
        other => {
            let why = format!("no Docker engine with {image} ({other:?}); run scripts/setup.sh");
            assert!(!engine_required(), "{why} (CI=true or GANTRY_REQUIRE_ENGINE=1 requires the engine)");
            eprintln!("SKIP: {why} — set GANTRY_REQUIRE_ENGINE=1 to make this a failure");
            false
        }
    }
}

/// Runs the `docker` CLI and returns its standard output; fails the test if it fails.
pub fn docker(args: &[&str]) -> String {
    let output = Command::new("docker").args(args).output().expect("the docker CLI runs");
    assert!(output.status.success(), "docker {args:?}: {}", describe(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A name no other test (or earlier test run) uses.
pub fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("test-{name}-{}-{nanos}", std::process::id())
}

/// `gantry ARGS` run to completion with piped output, in `dir`.
pub fn gantry(dir: &Path, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary is built for tests");
    command.arg("-C").arg(dir).args(args).output().expect("gantry runs")
}

pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The real `gantry` binary on a pseudo-terminal: type into it, read its screen, resize it.
pub struct Terminal {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<String>>,
    /// Fills `screen` until the terminal closes.
    reader: Option<std::thread::JoinHandle<()>>,
    /// Where the next [`expect`](Self::expect) starts looking.
    seen: usize,
}

impl Terminal {
    /// Starts `gantry -C dir ARGS` on a new pseudo-terminal of `rows` × `columns`.
    pub fn start(dir: &Path, args: &[&str], rows: u16, columns: u16) -> Terminal {
        Terminal::start_with_env(dir, args, &[], rows, columns)
    }

    /// [`start`](Self::start) with `env` added to gantry's environment.
    pub fn start_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)], rows: u16, columns: u16) -> Terminal {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols: columns, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(assert_cmd::cargo::cargo_bin("gantry"));
        command.arg("-C");
        command.arg(dir);
        command.args(args);
        command.env("TERM", "xterm");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).expect("gantry starts on the terminal");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("the terminal's output");
        let writer = pair.master.take_writer().expect("the terminal's input");
        let screen = Arc::new(Mutex::new(String::new()));
        let filling = screen.clone();
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(count) = reader.read(&mut buffer) {
                if count == 0 {
                    return;
                }
                filling.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..count]));
            }
        });
        Terminal { master: pair.master, writer, child, screen, reader: Some(reader), seen: 0 }
    }

    /// Types `text` as a user would (a line ends with Enter: `\r`).
    pub fn type_text(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits until `needle` appears after what earlier expects matched; fails the test with
    /// the whole screen after 60 seconds.
    pub fn expect(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            {
                let screen = self.screen.lock().unwrap();
                if let Some(at) = screen[self.seen..].find(needle) {
                    self.seen += at + needle.len();
                    return;
                }
                assert!(Instant::now() < deadline, "{needle:?} did not appear; the terminal shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Changes the terminal's size, as a user resizing the window does.
    pub fn resize(&self, rows: u16, columns: u16) {
        self.master.resize(PtySize { rows, cols: columns, pixel_width: 0, pixel_height: 0 }).unwrap();
    }

    /// Waits for gantry to exit and returns its exit code; by then the screen holds
    /// everything gantry wrote.
    pub fn wait(&mut self) -> u32 {
        let code = self.child.wait().expect("gantry exits").exit_code();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        code
    }

    /// Everything the terminal showed.
    pub fn screen(&self) -> String {
        self.screen.lock().unwrap().clone()
    }
}

/// A repository whose one stage, `test/check`, builds a Debian variant and runs it: it prints
/// `$MODE` and its secret `$API_TOKEN`, leaves `$MODE` in `/tmp/mode`, and passes only when
/// `MODE=good` and `API_TOKEN=right`.
pub fn pipeline_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let blubber = format!(
        "version: v4\nbase: {BOOKWORM}\nvariants:\n  check:\n    entrypoint: [sh, -c, '{CHECK_SCRIPT}']\n"
    );
    let config = "pipelines:\n  test:\n    blubberfile: blubber.yaml\n    stages:\n      - name: check\n        build: check\n        run:\n          env:\n            MODE: '${MODE}'\n          credentials:\n            - id: API_TOKEN\n              name: API_TOKEN\n";
    std::fs::create_dir_all(repo.path().join(".pipeline")).unwrap();
    std::fs::write(repo.path().join(".pipeline/blubber.yaml"), blubber).unwrap();
    std::fs::write(repo.path().join(".pipeline/config.yaml"), config).unwrap();
    repo
}

const CHECK_SCRIPT: &str = "echo \"mode=$MODE token=$API_TOKEN\"; echo \"$MODE\" > /tmp/mode; \
     test \"$MODE\" = good && test \"$(printf %s \"$API_TOKEN\" | wc -c)\" -ge 12";

/// A token the stage accepts.
pub const GOOD_TOKEN: &str = "s3cr3t-4fd1-97ab";
/// A token the stage refuses (too short).
pub const BAD_TOKEN: &str = "s3cr3t-x";

/// `gantry run ARGS` in `repo` with `MODE` and `API_TOKEN` set, plain progress.
pub fn gantry_run(repo: &Path, mode: &str, token: &str, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("gantry").expect("the gantry binary is built for tests");
    // These tests look at real executions (a secret's value is no cache input): never reuse.
    command.arg("-C").arg(repo).arg("run").args(["--progress", "plain", "--no-cache"]).args(args);
    command.env("MODE", mode).env("API_TOKEN", token).output().expect("gantry runs")
}

/// The ID of the newest run in `repo`.
pub fn last_run(repo: &Path) -> String {
    let mut ids: Vec<String> = std::fs::read_dir(repo.join(".gantry/runs"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids.pop().expect("a recorded run")
}
