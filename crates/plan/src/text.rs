//! A string after plan-time interpolation: what could be known is literal text; what only
//! the run can tell (`${build.imageID}`, `${setup.timestamp}`) stays a reference for the
//! executor, and `${NAME}` without a dot stays for the environment, as in PipelineLib.
//!
//! The executor finishes the job with [`Text::render`]: it never re-lexes text, so a value
//! that happens to contain `${` is never interpolated twice.
//!
//! This module must not decide what is bound: the resolver does.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// A value bound by a stage while the pipeline runs.
    Binding(BindingRef),
    /// `${NAME}` (no dot): PipelineLib leaves it for the shell, which expands it from the
    /// job's environment. `source` is the expression as written.
    Environment { name: String, source: String },
}

/// A reference to `${stage.key}` (or `${stage.key|default}`) for the executor to fill in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BindingRef {
    /// The stage that binds the value (the own stage's name for `${.key}`), or `setup`.
    pub stage: String,
    pub key: String,
    /// Used when the value is unbound or falsy (`""`, empty list); `None` means `""` then.
    pub default: Option<String>,
}

/// What the executor knows about a binding when it renders a [`Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound<'a> {
    Value(&'a str),
    /// A list binding (`imageTags`), rendered the way Groovy prints lists: `[a, b]`.
    List(&'a [String]),
    Unbound,
}

/// A binding that is unbound and has no default: PipelineLib's NameNotFound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnboundName(pub BindingRef);

impl fmt::Display for UnboundName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no value bound for '{}.{}'", self.0.stage, self.0.key)
    }
}

impl Text {
    pub fn literal(text: impl Into<String>) -> Text {
        Text { segments: vec![Segment::Literal(text.into())] }
    }

    pub fn push_literal(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.segments.last_mut() {
            Some(Segment::Literal(last)) => last.push_str(text),
            _ => self.segments.push(Segment::Literal(text.to_string())),
        }
    }

    /// The full text, if nothing in it waits for the run.
    pub fn as_known(&self) -> Option<String> {
        let mut known = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => known.push_str(text),
                _ => return None,
            }
        }
        Some(known)
    }

    /// The references the executor must fill in, in order.
    pub fn bindings(&self) -> impl Iterator<Item = &BindingRef> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Binding(binding) => Some(binding),
            _ => None,
        })
    }

    /// Interpolates the remaining references with PipelineLib's rules: a falsy value (`""`,
    /// an empty list) or an unbound name takes the default (`""` when none is given); an
    /// unbound name without a default is an error. `${NAME}` is looked up with `environment`
    /// and left as written when it gives nothing (the shell would have seen it).
    pub fn render<'a>(
        &self,
        lookup: impl Fn(&BindingRef) -> Bound<'a>,
        environment: impl Fn(&str) -> Option<String>,
    ) -> Result<String, UnboundName> {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Environment { name, source } => out.push_str(&environment(name).unwrap_or_else(|| source.clone())),
                Segment::Binding(binding) => out.push_str(&render_binding(binding, lookup(binding))?),
            }
        }
        Ok(out)
    }
}

fn render_binding(binding: &BindingRef, bound: Bound<'_>) -> Result<String, UnboundName> {
    let default = || binding.default.clone().unwrap_or_default();
    match bound {
        Bound::Value(value) if !value.is_empty() => Ok(value.to_string()),
        Bound::List(items) if !items.is_empty() => Ok(format!("[{}]", items.join(", "))),
        Bound::Value(_) | Bound::List(_) => Ok(default()),
        Bound::Unbound if binding.default.is_some() => Ok(default()),
        Bound::Unbound => Err(UnboundName(binding.clone())),
    }
}

impl fmt::Display for Text {
    /// Known parts as text, the rest as `${stage.key}` expressions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => f.write_str(text)?,
                Segment::Environment { source, .. } => f.write_str(source)?,
                Segment::Binding(binding) => write!(f, "{binding}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for BindingRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.default {
            Some(default) => write!(f, "${{{}.{}|{default}}}", self.stage, self.key),
            None => write!(f, "${{{}.{}}}", self.stage, self.key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(key: &str, default: Option<&str>) -> Segment {
        Segment::Binding(BindingRef { stage: "build".into(), key: key.into(), default: default.map(Into::into) })
    }

    #[test]
    fn renders_with_pipelinelib_falsy_and_default_rules() {
        let text = Text {
            segments: vec![
                Segment::Literal("id=".into()),
                reference("imageID", None),
                Segment::Literal(" tag=".into()),
                reference("imageTag", Some("none")),
                Segment::Literal(" ".into()),
                Segment::Environment { name: "HOME".into(), source: "${HOME}".into() },
            ],
        };
        let rendered = text.render(
            |b| if b.key == "imageID" { Bound::Value("abc") } else { Bound::Value("") },
            |_| None,
        );
        assert_eq!(rendered.unwrap(), "id=abc tag=none ${HOME}");
        let unbound = text.render(|_| Bound::Unbound, |_| Some("/root".into()));
        assert_eq!(unbound.unwrap_err().to_string(), "no value bound for 'build.imageID'");
    }

    #[test]
    fn lists_render_like_groovy() {
        let text = Text { segments: vec![reference("imageTags", None)] };
        let tags = vec!["a".to_string(), "b".to_string()];
        assert_eq!(text.render(|_| Bound::List(&tags), |_| None).unwrap(), "[a, b]");
        assert_eq!(text.to_string(), "${build.imageTags}");
    }
}
