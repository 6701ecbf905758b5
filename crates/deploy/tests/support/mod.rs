//! Shared by the deploy crate's tests that need real components (the Docker engine, helm):
//! finding them, and the skip-or-fail rule.
//!
//! When a component is missing these tests FAIL if `CI=true` or `GANTRY_REQUIRE_ENGINE=1`
//! (CI installs everything with scripts/setup.sh), and otherwise print one `SKIP` line and
//! pass.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::PathBuf;

use bollard::Docker;

/// The small local image scripts/setup-base-images.sh creates.
pub const BUSYBOX: &str = "gantry.local/busybox:1";
/// Where scripts/setup-helm.sh installs helm.
pub const INSTALLED_HELM: &str = "/usr/local/lib/gantry/bin/helm";

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var("GANTRY_REQUIRE_ENGINE").is_ok_and(|v| v == "1")
}

/// Skips (returns `None`) or fails the calling test, following the rule above.
pub fn unavailable<T>(what: &str) -> Option<T> {
    if required() {
        panic!("{what} (CI=true or GANTRY_REQUIRE_ENGINE=1 requires it; run scripts/setup.sh)");
    }
    eprintln!("SKIP: {what} — set GANTRY_REQUIRE_ENGINE=1 to make this a failure");
    None
}

/// A client of the engine at `DOCKER_HOST`, if it answers and has every image in `images`.
pub async fn engine_with(images: &[&str]) -> Option<Docker> {
    let docker = match Docker::connect_with_defaults() {
        Ok(docker) => docker,
        Err(error) => return unavailable(&format!("no Docker engine: {error}")),
    };
    if let Err(error) = docker.ping().await {
        return unavailable(&format!("no Docker engine: {error}"));
    }
    for image in images {
        if let Err(error) = docker.inspect_image(image).await {
            return unavailable(&format!("{image} is missing ({error}); run scripts/setup-base-images.sh"));
        }
    }
    Some(docker)
}

/// The real helm: `GANTRY_HELM`, else the one scripts/setup-helm.sh installs.
pub fn helm() -> Option<PathBuf> {
    let path = std::env::var_os("GANTRY_HELM").map(PathBuf::from).unwrap_or_else(|| INSTALLED_HELM.into());
    match path.is_file() {
        true => Some(path),
        false => unavailable(&format!("helm is not at {}; run scripts/setup-helm.sh", path.display())),
    }
}

/// A namespace of its own for one test: `gantry-t<pid>-<n>`.
pub fn test_namespace(n: u32) -> String {
    format!("gantry-t{}-{n}", std::process::id() % 1_000_000)
}

/// A FAKE `helm` in `dir` for the calls that need a cluster (none runs here). It appends
/// each call's arguments as one line to `dir/calls.log`; `history` prints `dir/history.json`
/// (or `[]`); `test` fails with the text of `dir/test-fails` as its error when that file
/// exists; everything else succeeds silently.
pub fn fake_helm(dir: &std::path::Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("helm");
    let d = dir.display();
    let text = format!(
        "#!/bin/sh\necho \"$*\" >> '{d}/calls.log'\n\
         case \"$1\" in\n  history) cat '{d}/history.json' 2>/dev/null || echo '[]' ;;\n  \
         test) if [ -f '{d}/test-fails' ]; then cat '{d}/test-fails' >&2; exit 1; fi ;;\nesac\n"
    );
    std::fs::write(&script, text).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The calls the fake helm in `dir` received, one string each.
pub fn fake_helm_calls(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default().lines().map(str::to_owned).collect()
}

/// Force-removes every container and the network of preview namespace `namespace`, and
/// `images`; on a thread of its own, so that `Drop` of a test fixture can call it.
pub fn remove_namespace(docker: &Docker, namespace: &str, images: &[String]) {
    use bollard::query_parameters::{ListContainersOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder};
    let (docker, namespace, images) = (docker.clone(), namespace.to_owned(), images.to_vec());
    let cleanup = async move {
        let label = format!("{}={namespace}", gantry_deploy::docker_target::NAMESPACE_LABEL);
        let filters = std::collections::HashMap::from([("label".to_owned(), vec![label])]);
        let options = ListContainersOptionsBuilder::default().all(true).filters(&filters).build();
        for container in docker.list_containers(Some(options)).await.unwrap_or_default() {
            let force = RemoveContainerOptionsBuilder::default().force(true).build();
            let _ = docker.remove_container(&container.id.unwrap_or_default(), Some(force)).await;
        }
        let _ = docker.remove_network(&namespace).await;
        for image in images {
            let _ = docker.remove_image(&image, Some(RemoveImageOptionsBuilder::default().force(true).build()), None).await;
        }
    };
    let _ = std::thread::spawn(move || tokio::runtime::Runtime::new().map(|rt| rt.block_on(cleanup))).join();
}
