//! BuildKit cache mounts for package-manager downloads (apt, pip, npm, composer), so that a
//! changed lockfile re-downloads only what changed. Off by default: `gantry image
//! dockerfile` stays Blubber's text; `gantry run` turns it on unless `--blubber-compat`.
//!
//! The mounts only keep downloads between builds; what a command installs into the image is
//! the same with or without them. This module recognises the install commands gantry itself
//! generates (it never parses user commands) and must not change any command text.

use gantry_spec::blubber::CacheAccess;

use crate::instruction::RunMount;
use crate::stage_context::StageContext;

/// The cache mounts for `command` in `ctx`'s stage, when the option is on.
pub fn run_mounts(ctx: &StageContext, command: &str) -> Vec<RunMount> {
    if !ctx.options.package_cache_mounts {
        return Vec::new();
    }
    let lives = &ctx.common().lives;
    let home = format!("/home/{}", lives.as_user);
    let as_lives = |target: String, id: &str| RunMount::Cache {
        target,
        id: format!("gantry-{id}"),
        sharing: CacheAccess::Locked,
        uid: (lives.uid != 0).then_some(lives.uid),
        gid: (lives.gid != 0).then_some(lives.gid),
    };
    let as_root = |target: &str, id: &str| RunMount::Cache {
        target: target.to_owned(),
        id: format!("gantry-{id}"),
        sharing: CacheAccess::Locked,
        uid: None,
        gid: None,
    };
    if command.contains("apt-get install") {
        vec![as_root("/var/cache/apt/archives", "apt-archives")]
    } else if command.contains(r#""-m" "pip" "install""#) || command.contains("-m pip install") {
        vec![as_lives(format!("{home}/.cache/pip"), "pip")]
    } else if command.starts_with("npm install") || command.starts_with("npm ci") {
        vec![as_lives(format!("{home}/.npm"), "npm")]
    } else if command.starts_with("composer install") {
        vec![as_lives(format!("{home}/.cache/composer"), "composer")]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use crate::CompileOptions;

    const SPEC: &str = "version: v4
base: debian:bookworm
apt: {packages: [curl]}
lives: {in: /srv/app}
variants:
  python:
    python: {version: python3, requirements: [requirements.txt]}
  node:
    node: {requirements: [package.json]}
  php:
    php: {requirements: [composer.json]}
";

    fn dockerfile(variant: &str, mounts: bool) -> String {
        let file = gantry_spec::blubber::parse(&"blubber.yaml".into(), SPEC).unwrap();
        let options = CompileOptions { package_cache_mounts: mounts, ..CompileOptions::default() };
        crate::compile(&file, variant, &options).unwrap().to_string()
    }

    fn mounted_lines(text: &str) -> Vec<&str> {
        text.lines().filter(|line| line.contains("--mount=type=cache")).collect()
    }

    #[test]
    fn install_commands_get_their_download_cache_and_nothing_else_changes() {
        for (variant, target, id) in [
            ("python", "/home/somebody/.cache/pip", "gantry-pip"),
            ("node", "/home/somebody/.npm", "gantry-npm"),
            ("php", "/home/somebody/.cache/composer", "gantry-composer"),
        ] {
            let (plain, cached) = (dockerfile(variant, false), dockerfile(variant, true));
            assert!(mounted_lines(&plain).is_empty(), "{plain}");
            let lines = mounted_lines(&cached);
            let apt = "RUN --mount=type=cache,target=/var/cache/apt/archives,id=gantry-apt-archives,sharing=locked apt-get update";
            assert!(lines.iter().any(|l| l.starts_with(apt)), "{cached}");
            let own = format!("RUN --mount=type=cache,target={target},id={id},sharing=locked,uid=65533,gid=65533 ");
            assert!(lines.iter().any(|l| l.starts_with(&own)), "{variant}: {cached}");
            let stripped: String = cached.lines().map(strip_cache_mounts).collect::<Vec<_>>().join("\n");
            assert_eq!(stripped, plain.lines().collect::<Vec<_>>().join("\n"), "only mounts were added");
        }
    }

    fn strip_cache_mounts(line: &str) -> String {
        line.split(' ').filter(|word| !word.starts_with("--mount=type=cache")).collect::<Vec<_>>().join(" ")
    }
}
