//! `gantry image check` on bad (and good) Blubber files: what users see, snapshotted.
//! Adding a case is adding a file to tests/cases/image-check/.

use assert_cmd::Command;

#[test]
fn image_check_reports_every_problem() {
    insta::glob!("cases/image-check/*.yaml", |path: &Path| {
        let dir = path.parent().expect("case files live in a directory");
        let name = path.file_name().expect("a case is a file");
        let output = Command::cargo_bin("gantry")
            .expect("the gantry binary is built for tests")
            .arg("-C")
            .arg(dir)
            .args(["image", "check", "-f"])
            .arg(name)
            .output()
            .expect("gantry runs");
        let report = format!(
            "exit code: {}\n--- stdout\n{}--- stderr\n{}",
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        insta::assert_snapshot!(report);
    });
}
