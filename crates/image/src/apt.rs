//! The apt block of the privileged phase, in Blubber v0.23's form: one RUN that appends the
//! sources and proxies with `echo`, updates, installs per target release (sorted, so
//! `bookworm-backports` before `default`), cleans the lists and removes the two files.
//!
//! v1.x additions: a source with `signed-by` gets its key written to
//! `/etc/apt/keyrings/<sha256 of the key>.asc` (with `printf`, no heredoc) and a
//! `[signed-by=…]` option on its line. As in v0.23, nothing is emitted without packages.
//!
//! This module must not know about users or phases.

use gantry_spec::blubber::{Apt, AptProxy, AptSource};
use sha2::{Digest, Sha256};

use crate::go_quote::go_quote;
use crate::instruction::Instruction;
use crate::shell_quote::{single_quote, write_file_command};
use crate::stage_context::StageContext;

const SOURCES_FILE: &str = "/etc/apt/sources.list.d/99blubber.list";
const PROXIES_FILE: &str = "/etc/apt/apt.conf.d/99blubber-proxies";
const KEYRINGS_DIR: &str = "/etc/apt/keyrings";
const DEFAULT_TARGET: &str = "default";

pub(crate) fn instructions(ctx: &StageContext, apt: &Apt) -> Vec<Instruction> {
    if apt.packages.is_empty() {
        return Vec::new();
    }
    let mut commands = Vec::new();
    for source in &apt.sources {
        if !source.signed_by.is_empty() {
            commands.push(write_key_command(&source.signed_by));
        }
        commands.push(format!("echo {} >> {SOURCES_FILE}", go_quote(&source_line(source))));
    }
    for proxy in &apt.proxies {
        commands.push(format!("echo {} >> {PROXIES_FILE}", go_quote(&proxy_line(proxy))));
    }
    commands.push("apt-get update".to_owned());
    // BTreeMap iteration is the sorted target order Blubber uses.
    for (target, packages) in &apt.packages {
        let quoted: Vec<String> = packages.iter().map(|p| go_quote(p)).collect();
        commands.push(match target.as_str() {
            DEFAULT_TARGET => format!("apt-get install -y {}", quoted.join(" ")),
            release => format!("apt-get install -y -t {} {}", go_quote(release), quoted.join(" ")),
        });
    }
    commands.push("rm -rf /var/lib/apt/lists/*".to_owned());
    if !apt.proxies.is_empty() {
        commands.push(format!("rm -f {}", go_quote(PROXIES_FILE)));
    }
    if !apt.sources.is_empty() {
        commands.push(format!("rm -f {}", go_quote(SOURCES_FILE)));
    }
    vec![
        Instruction::Env(vec![("DEBIAN_FRONTEND".to_owned(), "noninteractive".to_owned())]),
        ctx.run(commands.join(" && ")),
    ]
}

/// `deb [signed-by=<keyring>] <url> <distribution> <components…>`
fn source_line(source: &AptSource) -> String {
    let mut words = vec!["deb".to_owned()];
    if !source.signed_by.is_empty() {
        words.push(format!("[signed-by={}]", keyring_path(&source.signed_by)));
    }
    words.push(source.url.clone());
    words.push(source.distribution.clone());
    words.extend(source.components.iter().cloned());
    words.join(" ")
}

/// `Acquire::<scheme>::Proxy[::<source host>] "<url>";`
fn proxy_line(proxy: &AptProxy) -> String {
    let scheme_url = if proxy.source.is_empty() { &proxy.url } else { &proxy.source };
    let (scheme, rest) = scheme_url.split_once("://").unwrap_or(("", scheme_url));
    let mut line = format!("Acquire::{scheme}::Proxy");
    if !proxy.source.is_empty() {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or(host);
        line.push_str("::");
        line.push_str(host);
    }
    format!("{line} \"{}\";", proxy.url)
}

fn keyring_path(key: &str) -> String {
    format!("{KEYRINGS_DIR}/{}.asc", hex::encode(Sha256::digest(key.as_bytes())))
}

fn write_key_command(key: &str) -> String {
    format!("mkdir -p {} && {}", single_quote(KEYRINGS_DIR), write_file_command(key, &keyring_path(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_lines_follow_blubber() {
        let cases = [
            (AptProxy { url: "http://proxy.example:8080".into(), source: String::new() }, r#"Acquire::http::Proxy "http://proxy.example:8080";"#),
            (
                AptProxy { url: "https://proxy.example:8080".into(), source: "http://security.debian.org".into() },
                r#"Acquire::http::Proxy::security.debian.org "https://proxy.example:8080";"#,
            ),
            (
                AptProxy { url: "http://proxy.example:8080".into(), source: "https://security.debian.org/debian".into() },
                r#"Acquire::https::Proxy::security.debian.org "http://proxy.example:8080";"#,
            ),
        ];
        for (proxy, expected) in cases {
            assert_eq!(proxy_line(&proxy), expected);
        }
    }
}
