//! Blubber policy files (`--policy FILE`): rules a team enforces on every image spec, such
//! as "base images only from our registry" or "never run insecurely".
//!
//! Format, as Blubber's: `enforcements: [{path, rule}]`, where `path` is a dotted path over
//! the expanded config (`variants.production.runs.insecurely`, `base`) and `rule` is a list of
//! go-playground validator tags (`omitempty,startswith=docker-registry.wikimedia.org`,
//! `isfalse`, `oneof=a b`). A path that does not resolve is skipped. Unlike Blubber, every
//! violation is reported, not only the first.
//!
//! This module must not expand variants itself: callers pass the expanded configs.

use std::sync::Arc;

use super::model::Common;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::yaml::{self, Pos, Span, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub enforcements: Vec<Enforcement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enforcement {
    pub path: String,
    pub rule: String,
    checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq)]
enum Check {
    OmitEmpty,
    Required,
    IsTrue,
    IsFalse,
    Eq(String),
    Ne(String),
    OneOf(Vec<String>),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    Excludes(String),
    Min(u64),
    Max(u64),
}

/// A value found at a policy path.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyValue {
    Str(String),
    Bool(bool),
    Int(u64),
    List(Vec<String>),
}

impl PolicyValue {
    fn is_empty(&self) -> bool {
        match self {
            PolicyValue::Str(s) => s.is_empty(),
            PolicyValue::Bool(b) => !b,
            PolicyValue::Int(n) => *n == 0,
            PolicyValue::List(items) => items.is_empty(),
        }
    }

    fn display(&self) -> String {
        match self {
            PolicyValue::Str(s) => s.clone(),
            PolicyValue::Bool(b) => b.to_string(),
            PolicyValue::Int(n) => n.to_string(),
            PolicyValue::List(items) => format!("[{}]", items.join(" ")),
        }
    }

    /// The number validator tags compare: the value for ids, the length otherwise.
    fn magnitude(&self) -> u64 {
        match self {
            PolicyValue::Str(s) => s.chars().count() as u64,
            PolicyValue::Bool(b) => u64::from(*b),
            PolicyValue::Int(n) => *n,
            PolicyValue::List(items) => items.len() as u64,
        }
    }
}

impl Policy {
    pub fn parse(file: &Arc<str>, text: &str) -> Result<Policy, Vec<Diagnostic>> {
        let help = "a policy file is `enforcements: [{path: <dotted path>, rule: <validator tags>}]`";
        let root = yaml::parse(text).map_err(|e| {
            vec![Diagnostic::new(file, Span { start: e.pos, end: e.pos }, format!("yaml: {}", e.message), help)]
        })?;
        let mut diagnostics = Diagnostics::default();
        let mut enforcements = Vec::new();
        match root.get("enforcements").map(|n| &n.value) {
            Some(Value::Seq(items)) => {
                for item in items {
                    let path = item.get("path").and_then(|n| n.scalar_text());
                    let rule = item.get("rule").and_then(|n| n.scalar_text());
                    let (Some(path), Some(rule)) = (path, rule) else {
                        diagnostics.push(Diagnostic::new(file, item.span, "an enforcement needs `path` and `rule`", help));
                        continue;
                    };
                    match parse_rule(rule) {
                        Ok(checks) => enforcements.push(Enforcement { path: path.into(), rule: rule.into(), checks }),
                        Err(message) => diagnostics.push(Diagnostic::new(
                            file,
                            item.get("rule").map_or(item.span, |n| n.span),
                            message,
                            "supported tags: required, omitempty, istrue, isfalse, eq=, ne=, oneof=, startswith=, endswith=, contains=, excludes=, min=, max=",
                        )),
                    }
                }
            }
            _ => diagnostics.push(Diagnostic::new(file, root.span, "enforcements: is required", help)),
        }
        if diagnostics.is_empty() { Ok(Policy { enforcements }) } else { Err(diagnostics.into_sorted()) }
    }

    /// Checks the top-level config and the expanded variants (name, config, where the
    /// variant is defined) against every enforcement.
    pub fn check(&self, file: &Arc<str>, top: &Common, variants: &[(&str, &Common, Span)]) -> Vec<Diagnostic> {
        let mut violations = Diagnostics::default();
        for enforcement in &self.enforcements {
            let segments: Vec<&str> = enforcement.path.split('.').collect();
            let top_span = Span { start: Pos { line: 1, column: 1 }, end: Pos { line: 1, column: 1 } };
            let (config, rest, span) = match segments.as_slice() {
                ["variants", name, rest @ ..] => match variants.iter().find(|(n, _, _)| n == name) {
                    Some((_, config, span)) => (*config, rest, *span),
                    None => continue,
                },
                rest => (top, rest, top_span),
            };
            // Point at the value itself where the model keeps its place.
            let span = match (rest, &config.base) {
                (["base"], Some(base)) => base.span,
                _ => span,
            };
            let Some(value) = lookup(config, rest) else { continue };
            if !enforcement.allows(&value) {
                violations.push(Diagnostic::new(
                    file,
                    span,
                    format!(
                        "value: {:?}, for {:?} violates policy rule {:?}",
                        value.display(),
                        enforcement.path,
                        enforcement.rule
                    ),
                    "change the spec to satisfy the policy, or ask the policy's owners for an exception",
                ));
            }
        }
        violations.into_sorted()
    }
}

impl Enforcement {
    fn allows(&self, value: &PolicyValue) -> bool {
        for check in &self.checks {
            let ok = match check {
                Check::OmitEmpty if value.is_empty() => return true,
                Check::OmitEmpty => true,
                Check::Required => !value.is_empty(),
                Check::IsTrue => *value == PolicyValue::Bool(true),
                Check::IsFalse => *value == PolicyValue::Bool(false),
                Check::Eq(expected) => value.display() == *expected,
                Check::Ne(unexpected) => value.display() != *unexpected,
                Check::OneOf(options) => options.contains(&value.display()),
                Check::StartsWith(prefix) => value.display().starts_with(prefix.as_str()),
                Check::EndsWith(suffix) => value.display().ends_with(suffix.as_str()),
                Check::Contains(part) => value.display().contains(part.as_str()),
                Check::Excludes(part) => !value.display().contains(part.as_str()),
                Check::Min(n) => value.magnitude() >= *n,
                Check::Max(n) => value.magnitude() <= *n,
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

fn parse_rule(rule: &str) -> Result<Vec<Check>, String> {
    rule.split(',')
        .map(|tag| {
            let (name, param) = match tag.split_once('=') {
                Some((name, param)) => (name, Some(param.to_string())),
                None => (tag, None),
            };
            let number = |p: Option<String>| -> Result<u64, String> {
                p.and_then(|p| p.parse().ok()).ok_or_else(|| format!("rule tag {tag:?} needs a number"))
            };
            let text = |p: Option<String>| p.ok_or_else(|| format!("rule tag {tag:?} needs a value after '='"));
            Ok(match name {
                "omitempty" => Check::OmitEmpty,
                "required" => Check::Required,
                "istrue" => Check::IsTrue,
                "isfalse" => Check::IsFalse,
                "eq" => Check::Eq(text(param)?),
                "ne" => Check::Ne(text(param)?),
                "oneof" => Check::OneOf(text(param)?.split(' ').map(String::from).collect()),
                "startswith" => Check::StartsWith(text(param)?),
                "endswith" => Check::EndsWith(text(param)?),
                "contains" => Check::Contains(text(param)?),
                "excludes" => Check::Excludes(text(param)?),
                "min" | "gte" => Check::Min(number(param)?),
                "max" | "lte" => Check::Max(number(param)?),
                other => return Err(format!("unsupported policy rule tag {other:?}")),
            })
        })
        .collect()
}

/// Resolves a dotted path (JSON field names) in an expanded config.
fn lookup(config: &Common, path: &[&str]) -> Option<PolicyValue> {
    use PolicyValue::*;
    let flag = |b: Option<bool>| Some(Bool(b.unwrap_or(false)));
    Some(match path {
        ["base"] => Str(config.base.as_ref().map(|b| b.value.clone()).unwrap_or_default()),
        ["entrypoint"] => List(config.entrypoint.clone().unwrap_or_default()),
        ["lives", "in"] => Str(config.lives.in_dir.clone()),
        ["lives", "as"] => Str(config.lives.as_user.clone()),
        ["lives", "uid"] => Int(config.lives.uid.into()),
        ["lives", "gid"] => Int(config.lives.gid.into()),
        ["runs", "as"] => Str(config.runs.as_user.clone()),
        ["runs", "uid"] => Int(config.runs.uid.into()),
        ["runs", "gid"] => Int(config.runs.gid.into()),
        ["runs", "in"] => Str(config.runs.in_dir.clone()),
        ["runs", "insecurely"] => return flag(config.runs.insecurely),
        ["runs", "environment", name] => Str(config.runs.environment.get(*name)?.clone()),
        ["arguments", name] => Str(config.arguments.get(*name)?.clone()),
        ["apt", "packages", release] => List(config.apt.packages.get(*release)?.clone()),
        ["node", "env"] => Str(config.node.env.clone()),
        ["node", "use-npm-ci"] => return flag(config.node.use_npm_ci),
        ["php", "production"] => return flag(config.php.production),
        ["python", "version"] => Str(config.python.version.clone()),
        ["python", "no-deps"] => return flag(config.python.no_deps),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blubber::Spanned;

    fn policy(text: &str) -> Policy {
        Policy::parse(&"policy.yaml".into(), text).unwrap()
    }

    #[test]
    fn base_prefix_and_insecure_rules() {
        let p = policy(
            "enforcements:\n  - path: base\n    rule: omitempty,startswith=docker-registry.wikimedia.org\n  - path: variants.prod.runs.insecurely\n    rule: isfalse\n",
        );
        let mut top = Common::top_level_defaults();
        let mut prod = top.clone();
        prod.runs.insecurely = Some(true);
        let file: Arc<str> = "blubber.yaml".into();
        let violations = p.check(&file, &top, &[("prod", &prod, Span::default())]);
        assert_eq!(violations.len(), 1);
        assert!(violations[0].message.contains("violates policy rule \"isfalse\""), "{}", violations[0].message);

        top.base = Some(Spanned::new("docker.io/library/debian".into(), Span::default()));
        prod.runs.insecurely = Some(false);
        let violations = p.check(&file, &top, &[("prod", &prod, Span::default())]);
        assert_eq!(violations.len(), 1);
        assert!(violations[0].message.starts_with("value: \"docker.io/library/debian\", for \"base\""));
    }

    #[test]
    fn unknown_tags_are_reported() {
        let err = Policy::parse(&"p.yaml".into(), "enforcements:\n  - {path: base, rule: frobnicate}\n").unwrap_err();
        assert!(err[0].message.contains("frobnicate"));
    }
}
