//! [`SecretRedactor`]: hides secret values in what a run reports (container output, recorded
//! environments).
//!
//! Must not decide what is secret: the run's credentials and registry password are.

use std::borrow::Cow;

pub(crate) const REDACTED: &str = "<redacted>";

#[derive(Debug, Clone, Default)]
pub(crate) struct SecretRedactor {
    /// Longest first, so a secret that contains another is hidden whole.
    secrets: Vec<String>,
}

impl SecretRedactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = Cow::Borrowed(text);
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_is_hidden_longest_first() {
        let redactor = SecretRedactor::new(["abc", "abcdef", ""]);
        assert_eq!(
            redactor.redact("token=abcdef and abc"),
            "token=<redacted> and <redacted>"
        );
        assert!(matches!(redactor.redact("nothing here"), Cow::Borrowed(_)));
    }
}
