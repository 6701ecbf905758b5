//! [`IgnorePatterns`]: Docker's exclude rules, applied to paths of a build context.
//!
//! BuildKit reads the context's `.dockerignore` itself and sends the patterns to gantry's
//! file-sync session; this module decides, as Docker's `PatternMatcher` does, which paths
//! they exclude. Patterns apply in order and the last one that matches a path (or one of
//! its parent directories) wins; `!pattern` re-includes. It must not walk the file system.

use crate::ignore_pattern::IgnorePattern;

/// An ordered list of exclude (`pattern`) and re-include (`!pattern`) rules.
#[derive(Debug, Clone, Default)]
pub struct IgnorePatterns {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    pattern: IgnorePattern,
    reinclude: bool,
}

impl IgnorePatterns {
    /// Compiles `patterns` as Docker does: each is trimmed and cleaned like a Go path
    /// (`a//b/./c/` → `a/b/c`, leading `/` dropped); empty ones are skipped.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, String> {
        let mut rules = Vec::new();
        for raw in patterns {
            let raw = raw.as_ref().trim();
            if raw.is_empty() {
                continue;
            }
            let (reinclude, text) = match raw.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, raw),
            };
            if reinclude && text.is_empty() {
                return Err("invalid .dockerignore pattern `!`: it re-includes nothing".into());
            }
            let cleaned = clean(text);
            let pattern = IgnorePattern::new(&cleaned)
                .map_err(|bad| format!("invalid .dockerignore pattern `{raw}`: {bad}"))?;
            rules.push(Rule { pattern, reinclude });
        }
        Ok(Self { rules })
    }

    /// Whether `path` (slash-separated, relative to the context root) is excluded.
    pub fn excludes(&self, path: &str) -> bool {
        let parents: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        let mut excluded = false;
        for rule in &self.rules {
            // An exclude can only turn "included" into "excluded" and vice versa.
            if rule.reinclude != excluded {
                continue;
            }
            let hit = rule.pattern.matches(path) || parents.iter().any(|p| rule.pattern.matches(p));
            if hit {
                excluded = !rule.reinclude;
            }
        }
        excluded
    }

    /// Whether an excluded directory must still be walked (and sent) because a re-include
    /// pattern names something inside it. Like Docker, this compares the pattern text.
    pub fn reincludes_inside(&self, dir: &str) -> bool {
        let dir_slash = format!("{dir}/");
        self.rules.iter().any(|rule| {
            rule.reinclude && format!("{}/", rule.pattern.as_str()).starts_with(&dir_slash)
        })
    }
}

/// Go's `filepath.Clean` for slash paths, then Docker's "drop a leading `/`".
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, true) => "/".to_owned(),
        (false, true) => ".".to_owned(),
        // Docker makes rooted patterns relative to the context.
        _ => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (.dockerignore patterns, path, excluded?)
    const CASES: &[(&[&str], &str, bool)] = &[
        (&["secret.txt"], "secret.txt", true),
        (&["secret.txt"], "public.txt", false),
        (&["/secret.txt"], "secret.txt", true),
        (&["./secret.txt"], "secret.txt", true),
        (&["a//b/../c/"], "a/c", true),
        (&["node_modules"], "node_modules/x/index.js", true),
        (&["node_modules"], "src/node_modules/x.js", false),
        (&["**/node_modules"], "src/node_modules/x.js", true),
        (&["*.md"], "README.md", true),
        (&["*.md"], "docs/guide.md", false),
        (&["**/*.md"], "docs/guide.md", true),
        (&["**/*.md", "!README.md"], "README.md", false),
        (&["**/*.md", "!README.md"], "docs/README.md", true),
        (&["*", "!src"], "src/main.rs", false),
        (&["*", "!src"], "Cargo.toml", true),
        (&["docs", "!docs/keep.md"], "docs/keep.md", false),
        (&["docs", "!docs/keep.md"], "docs/drop.md", true),
        (&["!keep", "*"], "keep", true),
        (
            &["target", "!target/release/app", "target/release"],
            "target/release/app",
            true,
        ),
        (&["  spaced.txt  "], "spaced.txt", true),
        (&["", "   "], "anything", false),
        (&[".git", ".dockerignore"], ".git/HEAD", true),
        (&[".git", ".dockerignore"], ".dockerignore", true),
    ];

    #[test]
    fn excludes_like_docker() {
        for &(patterns, path, expected) in CASES {
            let rules = IgnorePatterns::new(patterns).unwrap();
            assert_eq!(
                rules.excludes(path),
                expected,
                "patterns {patterns:?} on {path:?}"
            );
        }
    }

    #[test]
    fn walks_into_excluded_dirs_only_for_reincludes_inside_them() {
        let rules = IgnorePatterns::new(&["docs", "!docs/keep.md", "build"]).unwrap();
        assert!(rules.reincludes_inside("docs"));
        assert!(!rules.reincludes_inside("build"));
        assert!(!rules.reincludes_inside("doc"));
    }

    #[test]
    fn rejects_bad_patterns_with_the_pattern_in_the_message() {
        let error = IgnorePatterns::new(&["ok", "[a-"]).unwrap_err();
        assert!(error.contains("`[a-`"), "{error}");
        assert!(IgnorePatterns::new(&["!"]).is_err());
    }

    #[test]
    fn cleans_like_go() {
        for (raw, cleaned) in [
            ("a/./b/", "a/b"),
            ("../a", "../a"),
            ("/../a", "a"),
            ("a/..", "."),
            ("/", "/"),
        ] {
            assert_eq!(clean(raw), cleaned, "{raw}");
        }
    }
}
