//! The parts of Go's `path` package Blubber uses on copy paths: `Clean`, `Dir`, `Base`, `Join`.
//!
//! They work on `/`-separated text, never on the file system. This module must not know about
//! Blubber's own rules (trailing `/` meaning a directory); `requirements` applies those.

/// Go's `path.Clean`: the shortest equivalent path (`./a//b/../c/` → `a/c`, `` → `.`).
pub fn clean(path: &str) -> String {
    gantry_spec::blubber::rules::clean_path(path)
}

/// Go's `path.Dir`: everything but the last element, cleaned (`foo/bar.txt` → `foo`, `a` → `.`).
pub fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(slash) => clean(path.get(..=slash).unwrap_or(path)),
        None => ".".to_owned(),
    }
}

/// Go's `path.Base`: the last element (`a/b/` → `b`, `` → `.`, `///` → `/`).
pub fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// Resolves `path` against the absolute directory `directory`, keeping a trailing `/`.
pub fn resolve(directory: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let joined = clean(&format!("{directory}/{path}"));
    if path.ends_with('/') && !joined.ends_with('/') { format!("{joined}/") } else { joined }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_go_path() {
        let cleans = [("", "."), (".", "."), ("./", "."), ("./a/b/", "a/b"), ("a//b/../c", "a/c"), ("/..", "/"), ("../a", "../a"), ("/", "/")];
        for (input, expected) in cleans {
            assert_eq!(clean(input), expected, "clean({input:?})");
        }
        let dirs = [("foo/bar.txt", "foo"), ("package.json", "."), ("/a/b", "/a"), ("a/b/", "a/b")];
        for (input, expected) in dirs {
            assert_eq!(dir(input), expected, "dir({input:?})");
        }
        let bases = [("a/b", "b"), ("a/b/", "b"), ("", "."), ("///", "/"), ("file", "file")];
        for (input, expected) in bases {
            assert_eq!(base(input), expected, "base({input:?})");
        }
        assert_eq!(resolve("/srv/app", "./examples.test"), "/srv/app/examples.test");
        assert_eq!(resolve("/srv/app", "dist/"), "/srv/app/dist/");
        assert_eq!(resolve("/srv/app", "/etc/x"), "/etc/x");
    }
}
