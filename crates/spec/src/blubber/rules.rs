//! The value rules Blubber applies to single fields (its validator tags), as plain predicates.
//!
//! Each function answers one question about one string, with Blubber's exact acceptance
//! (anchored or not, minimum lengths). They must not produce messages or know where a value
//! came from: `decode` turns a `false` into a diagnostic.

/// `^[a-zA-Z][a-zA-Z0-9\-\.]+[a-zA-Z0-9]$`: variant names and user names (at least 3 chars).
pub fn is_variant_or_user_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes[1..bytes.len() - 1]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.')
}

/// A user name Blubber accepts for `lives.as` / `runs.as`: the name pattern, and not `root`.
pub fn is_user_name(name: &str) -> bool {
    is_variant_or_user_name(name) && name != "root"
}

/// `^[a-zA-Z_][a-zA-Z0-9_]+$`: environment variable and build argument names (2+ chars).
pub fn is_env_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() >= 2
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'_')
        && bytes[1..].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// An absolute path that is not `/` itself.
pub fn is_absolute_non_root_path(path: &str) -> bool {
    path.starts_with('/') && !path.trim_end_matches('/').is_empty() && clean_path(path) != "/"
}

/// `^[a-zA-Z0-9]+$`
pub fn is_node_env(env: &str) -> bool {
    !env.is_empty() && env.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Debian package names, optionally with `=version` or `/release`.
pub fn is_debian_package(spec: &str) -> bool {
    let (name, suffix) = match spec.find(['=', '/']) {
        Some(i) => (&spec[..i], Some(&spec[i..])),
        None => (spec, None),
    };
    let name_ok = name.len() >= 2
        && name.as_bytes()[0].is_ascii_lowercase() | name.as_bytes()[0].is_ascii_digit()
        && name[1..].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(&b));
    name_ok
        && match suffix {
            None => true,
            Some(s) if s.starts_with('=') => is_debian_version(&s[1..]),
            Some(s) => is_debian_release_exact(&s[1..]),
        }
}

/// `(?:[0-9]+:)?[0-9]+[a-zA-Z0-9\.\+\-~]*`, anchored.
fn is_debian_version(version: &str) -> bool {
    let rest = match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => version,
    };
    rest.starts_with(|c: char| c.is_ascii_digit())
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b".+-~".contains(&b))
}

/// `[a-zA-Z](?:[a-zA-Z0-9\-]*[a-zA-Z0-9]+)?`, anchored (as inside the package pattern).
fn is_debian_release_exact(release: &str) -> bool {
    let bytes = release.as_bytes();
    !bytes.is_empty()
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

/// Blubber's release pattern is unanchored: any value containing a letter passes.
pub fn is_debian_release(release: &str) -> bool {
    release.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Blubber's component pattern `[a-z0-9][a-z0-9+./\-]+` is unanchored: two suitable
/// characters in a row anywhere pass.
pub fn is_debian_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    bytes.windows(2).any(|pair| {
        (pair[0].is_ascii_lowercase() || pair[0].is_ascii_digit())
            && (pair[1].is_ascii_lowercase() || pair[1].is_ascii_digit() || b"+./-".contains(&pair[1]))
    })
}

/// `http://` or `https://` followed by a host.
pub fn is_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

/// A Python version specifier list such as `==1.5.1` or `>=1.2,<2`.
pub fn is_python_version_spec(spec: &str) -> bool {
    !spec.is_empty()
        && spec.split(',').all(|part| {
            let version = ["<=", ">=", "!=", "==", "~=", "<", ">"]
                .iter()
                .find_map(|op| part.strip_prefix(op));
            matches!(version, Some(v) if !v.is_empty()
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.*+!".contains(&b)))
        })
}

/// The anchored docker/distribution reference grammar: `[domain[:port]/]path[:tag][@digest]`.
pub fn is_image_reference(reference: &str) -> bool {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest
        && !is_digest(digest) {
            return false;
        }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].find(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag
        && !is_tag(tag) {
            return false;
        }
    let components: Vec<&str> = name.split('/').collect();
    let path = if components.len() > 1 && is_domain(components[0]) && !is_path_component(components[0]) {
        &components[1..]
    } else if components.len() > 1 && is_path_component(components[0]) {
        &components[..]
    } else if components.len() > 1 && is_domain(components[0]) {
        &components[1..]
    } else {
        &components[..]
    };
    !path.is_empty() && path.iter().all(|c| is_path_component(c))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`
fn is_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    if bytes.is_empty() || !is_lower_alnum(bytes[0]) || !is_lower_alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if is_lower_alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_lower_alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let allowed = separator == "." || separator == "_" || separator == "__" || separator.bytes().all(|b| b == b'-');
        if !allowed {
            return false;
        }
    }
    true
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Domain components joined by dots, with an optional `:port`.
fn is_domain(domain: &str) -> bool {
    let (host, port) = match domain.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && host.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

/// `[\w][\w.-]{0,127}`
fn is_tag(tag: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    !bytes.is_empty() && bytes.len() <= 128 && word(bytes[0]) && bytes.iter().all(|b| word(*b) || b".-".contains(b))
}

/// `algorithm:hex` with at least 32 hex digits.
fn is_digest(digest: &str) -> bool {
    match digest.split_once(':') {
        Some((algorithm, hex)) => {
            algorithm.starts_with(|c: char| c.is_ascii_alphabetic())
                && algorithm.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_+.".contains(&b))
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

/// Lexical path cleaning as Go's `path.Clean` does it.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// True when a path relative to the build context stays inside it.
pub fn stays_inside_context(path: &str) -> bool {
    !path.starts_with('/') && !clean_path(path).starts_with("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_variant_or_user_name("abc"));
        assert!(is_variant_or_user_name("test-1.2"));
        assert!(!is_variant_or_user_name("ab"));
        assert!(!is_variant_or_user_name("1ab"));
        assert!(!is_variant_or_user_name("abc-"));
        assert!(!is_user_name("root"));
        assert!(is_env_name("A_1"));
        assert!(!is_env_name("A"));
        assert!(!is_env_name("1A"));
        assert!(!is_env_name("A-B"));
    }

    #[test]
    fn paths() {
        assert!(is_absolute_non_root_path("/srv/app"));
        assert!(!is_absolute_non_root_path("/"));
        assert!(!is_absolute_non_root_path("/.."));
        assert!(!is_absolute_non_root_path("relative"));
        assert_eq!(clean_path("./a/b/"), "a/b");
        assert_eq!(clean_path("a/../../b"), "../b");
        assert!(stays_inside_context("src/../lib"));
        assert!(!stays_inside_context("../outside"));
        assert!(!stays_inside_context("/etc/passwd"));
    }

    #[test]
    fn debian() {
        for ok in ["git", "libc6-dev", "g++", "pkg=1.2-3", "pkg=1:2.3~rc1", "pkg/bookworm-backports"] {
            assert!(is_debian_package(ok), "{ok}");
        }
        for bad in ["Foo_Bar", "a", "pkg=", "pkg=abc", "pkg/-x"] {
            assert!(!is_debian_package(bad), "{bad}");
        }
        assert!(is_debian_release("bookworm-backports"));
        assert!(!is_debian_release("123"));
        assert!(is_debian_component("main"));
        assert!(!is_debian_component("M"));
    }

    #[test]
    fn image_references() {
        for ok in [
            "debian",
            "debian:bookworm",
            "docker-registry.wikimedia.org/nodejs20-slim",
            "docker-registry.wikimedia.org/golang1.22:1.22-20250720",
            "localhost:5000/a/b:c",
            "127.0.0.1:5000/gantry.local/busybox:1",
            "Registry.Example.com/foo",
            "foo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_image_reference(ok), "{ok}");
        }
        for bad in ["Foo Bar", "Foo", "foo:", "foo/Bar", "", "foo@sha256:12", "-foo"] {
            assert!(!is_image_reference(bad), "{bad}");
        }
    }

    #[test]
    fn python_specs() {
        assert!(is_python_version_spec("==1.5.1"));
        assert!(is_python_version_spec(">=1.2,<2"));
        assert!(!is_python_version_spec("1.2"));
        assert!(!is_python_version_spec("==1.2,"));
    }

    #[test]
    fn urls() {
        assert!(is_http_url("http://apt.wikimedia.org/wikimedia"));
        assert!(!is_http_url("ftp://x"));
        assert!(!is_http_url("http://"));
    }
}
