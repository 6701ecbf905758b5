//! `gantry shell --failed`, `gantry ps` and `gantry clean` on the real engine, the shell
//! driven through a real pseudo-terminal: type commands, read their output, resize the
//! window, exit with a status.

mod debug_support;

use debug_support::{BOOKWORM, Terminal, describe, docker, engine_has, gantry, unique};

/// A stopped container as `gantry run --keep-failed` keeps it: the stage's labels, its
/// environment and working directory, and a file its command wrote before failing.
fn kept_container(run_id: &str) -> String {
    let name = unique("kept");
    let labels = [
        format!("gantry.run={run_id}"),
        format!("gantry.kept={run_id}"),
        "gantry.pipeline=test".to_owned(),
        "gantry.stage=unit".to_owned(),
    ];
    let mut args = vec!["run", "--name", &name, "-e", "STAGE_GREETING=hello", "-w", "/src"];
    for label in &labels {
        args.extend(["--label", label]);
    }
    args.extend([BOOKWORM, "sh", "-c", "echo half-done > /src/state; exit 7"]);
    let output = std::process::Command::new("docker").args(&args).output().unwrap();
    assert_eq!(output.status.code(), Some(7), "{}", describe(&output));
    docker(&["inspect", "--format", "{{.Id}}", &name]).trim().to_owned()
}

#[test]
fn a_shell_in_the_kept_container_sees_the_failed_state_and_follows_the_terminal() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run_id = unique("run");
    let id = kept_container(&run_id);

    let ps = gantry(dir.path(), &["ps"]);
    assert!(ps.status.success(), "{}", describe(&ps));
    let listing = String::from_utf8_lossy(&ps.stdout);
    let line = listing.lines().find(|l| l.contains(&run_id)).unwrap_or_else(|| panic!("{listing}"));
    assert!(line.starts_with(&id[..12]) && line.contains("test/unit") && line.contains("Exited (7)"), "{line}");

    let mut terminal = Terminal::start(dir.path(), &["shell", "--failed", "test:unit"], 24, 80);
    terminal.expect("as it was when its command failed");
    terminal.expect("# ");
    terminal.type_text("cat state; echo $STAGE_GREETING; tty; stty size\r");
    terminal.expect("half-done");
    terminal.expect("hello");
    terminal.expect("/dev/pts/");
    terminal.expect("24 80");
    terminal.resize(30, 100);
    // The resize reaches the container asynchronously; ask until it has.
    terminal.type_text("for i in 1 2 3 4 5 6 7 8 9; do [ \"$(stty size)\" = '30 100' ] && break; sleep 0.3; done; echo size=$(stty size)\r");
    terminal.expect("size=30 100");
    terminal.type_text("echo changed > state; exit 5\r");
    assert_eq!(terminal.wait(), 1, "{}", terminal.screen());
    assert!(terminal.screen().contains("exited with status 5"), "{}", terminal.screen());

    // The kept container is as the command left it: the shell ran on a snapshot.
    let mut again = Terminal::start(dir.path(), &["shell", "--failed", "unit", "--", "cat", "/src/state"], 24, 80);
    again.expect("half-done");
    assert_eq!(again.wait(), 0, "{}", again.screen());

    let clean = gantry(dir.path(), &["clean", "--run", &run_id]);
    assert!(clean.status.success(), "{}", describe(&clean));
    assert!(String::from_utf8_lossy(&clean.stderr).contains("removed 1 kept container"), "{}", describe(&clean));
    let ps = gantry(dir.path(), &["ps"]);
    assert!(!String::from_utf8_lossy(&ps.stdout).contains(&run_id), "{}", describe(&ps));
}

#[test]
fn without_a_kept_container_the_shell_says_how_to_get_one() {
    if !engine_has(BOOKWORM) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = gantry(dir.path(), &["shell", "--failed", "no-such-stage-anywhere"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--keep-failed"), "{}", describe(&output));
}
