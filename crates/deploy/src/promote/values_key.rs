//! [`ValuesKey`]: a dotted path into a Helm values file, e.g. `main_app.version` (the key
//! PipelineLib's promote and deployment-charts' `update_version.py` set).
//!
//! Must not read files.

use std::fmt;

use super::PromoteError;

/// Map keys from the top of the file down to the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesKey(Vec<String>);

impl ValuesKey {
    /// `main_app.version`.
    pub fn main_app_version() -> Self {
        Self(vec!["main_app".into(), "version".into()])
    }

    /// Splits `text` at dots; every part must be a non-empty plain key.
    pub fn parse(text: &str) -> Result<Self, PromoteError> {
        let parts: Vec<String> = text.split('.').map(str::to_owned).collect();
        let plain = |part: &String| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
        match parts.iter().all(plain) {
            true => Ok(Self(parts)),
            false => Err(PromoteError::Invalid(format!(
                "values key {text:?} is not a dotted path of plain keys like main_app.version"
            ))),
        }
    }

    pub fn parts(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for ValuesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl std::str::FromStr for ValuesKey {
    type Err = PromoteError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}
