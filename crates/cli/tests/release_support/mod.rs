//! Shared by the tests of releases (`gantry env`, `gantry promote`, deploy and promote
//! steps): git with a fixed identity, a real bare deployment-charts remote, and HTTP GETs
//! through the preview proxy.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// `git ARGS` in `dir` with a fixed identity and `main` as the default branch; fails the
/// test when git fails, returns its trimmed standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@localhost", "-c", "init.defaultBranch=main"])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A bare deployment-charts repository in `dir` whose `main` holds
/// `helmfile.d/services/<chart>/values.yaml` with `values`; returns its path.
pub fn charts_remote(dir: &Path, chart: &str, values: &str) -> PathBuf {
    let bare = dir.join("deployment-charts.git");
    let seed = dir.join("seed");
    git(dir, &["init", "--quiet", "--bare", bare.to_str().unwrap()]);
    git(dir, &["clone", "--quiet", bare.to_str().unwrap(), seed.to_str().unwrap()]);
    let file = seed.join(format!("helmfile.d/services/{chart}/values.yaml"));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, values).unwrap();
    git(&seed, &["add", "."]);
    git(&seed, &["commit", "--quiet", "-m", "seed"]);
    git(&seed, &["push", "--quiet", "origin", "HEAD:main"]);
    bare
}

/// GET `path` through the preview proxy of `url` (`http://NAME.localhost:PORT/`), with that
/// Host header; the whole HTTP answer.
pub fn proxy_get(url: &str, path: &str) -> String {
    let authority = url.trim_start_matches("http://").trim_end_matches('/');
    let port: u16 = authority.rsplit(':').next().unwrap().parse().unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {authority}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}
