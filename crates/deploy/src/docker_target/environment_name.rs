//! [`EnvironmentName`]: the name of a preview environment, usable as a DNS label.
//!
//! Must not know where the name is used (container names, host names): it only guarantees
//! that the text is safe for both.

use std::fmt;

use crate::DeployError;

/// Lowercase letters, digits and single hyphens, at most [`EnvironmentName::MAX_LEN`]
/// characters, starting and ending with a letter or digit: `pr-1234`, `feature-login`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvironmentName(String);

impl EnvironmentName {
    /// Leaves room for the namespace prefix in a 63-character DNS label.
    pub const MAX_LEN: usize = 40;

    /// Checks `text` against the rules above.
    pub fn new(text: &str) -> Result<Self, DeployError> {
        match problem(text) {
            None => Ok(Self(text.to_owned())),
            Some(problem) => Err(DeployError::Invalid(format!(
                "environment name {text:?} {problem}; use lowercase letters, digits and single hyphens, e.g. pr-1234"
            ))),
        }
    }

    /// A name made from a git branch (or any text): lowercased, every run of other
    /// characters turned into one hyphen, cut to [`Self::MAX_LEN`]. `None` when nothing
    /// usable is left (e.g. a detached `HEAD` of only symbols).
    pub fn from_branch(branch: &str) -> Option<Self> {
        let mut name = String::with_capacity(branch.len());
        for c in branch.chars().map(|c| c.to_ascii_lowercase()) {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                name.push(c);
            } else if !name.is_empty() && !name.ends_with('-') {
                name.push('-');
            }
        }
        name.truncate(Self::MAX_LEN);
        let name = name.trim_end_matches('-');
        Self::new(name).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn problem(text: &str) -> Option<&'static str> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if text.is_empty() {
        Some("is empty")
    } else if text.len() > EnvironmentName::MAX_LEN {
        Some("is longer than 40 characters")
    } else if !text.chars().all(allowed) {
        Some("has characters other than a-z, 0-9 and -")
    } else if text.starts_with('-') || text.ends_with('-') {
        Some("starts or ends with a hyphen")
    } else if text.contains("--") {
        Some("has two hyphens in a row (gantry uses them to name releases)")
    } else {
        None
    }
}

impl fmt::Display for EnvironmentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for EnvironmentName {
    type Err = DeployError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dns_labels() {
        for name in ["a", "pr-1234", "feature-login", "0"] {
            assert_eq!(EnvironmentName::new(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn rejects_what_cannot_be_a_host_name() {
        for name in ["", "-a", "a-", "A", "a_b", "a.b", "a--b", &"x".repeat(41)] {
            assert!(EnvironmentName::new(name).is_err(), "{name:?} was accepted");
        }
    }

    #[test]
    fn branch_names_become_environment_names() {
        let name = |branch| EnvironmentName::from_branch(branch).map(|n| n.to_string());
        assert_eq!(name("feature/Login_Page"), Some("feature-login-page".into()));
        assert_eq!(name("--x--y--"), Some("x-y".into()));
        assert_eq!(name("///"), None);
        assert_eq!(name(&format!("{}-tail", "a".repeat(39))), Some("a".repeat(39)));
    }
}
