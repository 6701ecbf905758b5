//! `copies` and `requirements`: what is copied from where, and the rule that local sources
//! stay inside the build context.

use super::Decoder;
use crate::Spanned;
use crate::blubber::model::{Artifact, BuilderEntry, Common};
use crate::blubber::rules;
use crate::yaml::{Node as YamlNode, Span, Value};

impl Decoder {
    /// `copies`: all strings (variant names or `local`) or all objects.
    pub(super) fn copies(&mut self, node: &YamlNode) -> Vec<Artifact> {
        let items = self.sequence(node, "copies");
        let strings = items.iter().filter(|i| !matches!(i.value, Value::Map(_))).count();
        if strings != 0 && strings != items.len() {
            self.report(
                node.span,
                "copies: cannot mix strings and objects",
                "write every entry as an object (`- from: local`) or every entry as a name (`- local`)",
            );
        }
        let copies: Vec<Artifact> = items
            .into_iter()
            .filter_map(|item| match &item.value {
                Value::Map(_) => self.artifact(item, "copies"),
                _ => self.string(item, "copies").map(|from| Artifact {
                    from: Spanned::new(from, item.span),
                    ..Artifact::default()
                }),
            })
            .collect();
        for (i, copy) in copies.iter().enumerate() {
            if copies[..i].iter().any(|earlier| earlier.same_as(copy)) {
                self.report(copy.from.span, "copies: cannot contain duplicates", "remove the repeated entry");
            }
        }
        copies
    }

    /// `requirements`: strings are shorthand for `{from: local, source: S}`; strings and
    /// objects may be mixed.
    pub(super) fn requirements(&mut self, node: &YamlNode) -> Vec<Artifact> {
        self.sequence(node, "requirements")
            .into_iter()
            .filter_map(|item| match &item.value {
                Value::Map(_) => self.artifact(item, "requirements"),
                _ => self.string(item, "requirements").map(|source| {
                    self.check_local_source(&source, item.span);
                    Artifact {
                        from: Spanned::new("local".into(), item.span),
                        source,
                        ..Artifact::default()
                    }
                }),
            })
            .collect()
    }

    pub(super) fn artifact(&mut self, node: &YamlNode, what: &str) -> Option<Artifact> {
        let entries = self.mapping(node, &format!("{what} entry"), &["from", "source", "destination", "exclude"])?;
        let mut artifact = Artifact::default();
        let mut has_from = false;
        for (key, _, value) in entries {
            match key {
                "from" => {
                    if !value.is_null() {
                        has_from = true;
                        artifact.from = Spanned::new(self.string(value, "from").unwrap_or_default(), value.span);
                    }
                }
                "source" => artifact.source = self.string(value, "source").unwrap_or_default(),
                "destination" => artifact.destination = self.string(value, "destination").unwrap_or_default(),
                "exclude" => {
                    artifact.exclude = self.plain_string_list(value, "exclude").unwrap_or_default()
                }
                _ => unreachable!(),
            }
        }
        if !has_from {
            self.report(node.span, "from: is required", "say where to copy from: `local`, a variant name or an image");
            return None;
        }
        if artifact.source.is_empty() && !artifact.destination.is_empty() {
            self.report(
                node.span,
                "source: is required if \"destination\" is also set",
                "add the `source:` path to copy",
            );
        }
        if artifact.is_local() && !artifact.source.is_empty() {
            self.check_local_source(&artifact.source, node.get("source").map_or(node.span, |s| s.span));
        }
        Some(artifact)
    }

    pub(super) fn check_local_source(&mut self, source: &str, span: Span) {
        if !rules::stays_inside_context(source) {
            self.report(
                span,
                "source: path must be relative when \"from\" is \"local\"",
                "local sources are paths inside the build context (the repository): remove the leading '/' or '../'",
            );
        }
    }
}

/// Every `from` a builder's requirements or mounts name, for the unknown-variant check.
pub(super) fn requirement_froms(common: &Common) -> Vec<&Spanned<String>> {
    let mut lists: Vec<&Vec<Artifact>> = Vec::new();
    lists.extend(common.node.requirements.as_ref());
    lists.extend(common.php.requirements.as_ref());
    lists.extend(common.python.requirements.as_ref());
    if let Some(builder) = &common.builder {
        lists.extend(builder.requirements.as_ref());
    }
    let mut froms: Vec<&Spanned<String>> = Vec::new();
    if let Some(builders) = &common.builders {
        for entry in &builders.value {
            let requirements = match entry {
                BuilderEntry::Custom(b) => b.requirements.as_ref(),
                BuilderEntry::Node(n) => n.requirements.as_ref(),
                BuilderEntry::Php(p) => p.requirements.as_ref(),
                BuilderEntry::Python(p) => p.requirements.as_ref(),
            };
            lists.extend(requirements);
            if let BuilderEntry::Custom(b) = entry {
                froms.extend(b.mounts.iter().flatten().map(|m| &m.from));
            }
        }
    }
    if let Some(builder) = &common.builder {
        froms.extend(builder.mounts.iter().flatten().map(|m| &m.from));
    }
    froms.extend(lists.into_iter().flatten().map(|a| &a.from));
    froms
}
