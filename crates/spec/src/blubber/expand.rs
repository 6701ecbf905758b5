//! Expansion of a requested variant into the stages to build, with the checks Blubber runs on
//! the merged result.
//!
//! A stage is one variant fully merged: the top level, then its transitive `includes`
//! (depth-first, leaves first, each once), then the variant itself. The stages of a request are
//! the variants it depends on through `copies`, `requirements` and `mounts` (leaves first),
//! followed by the requested variant.
//!
//! Unlike Blubber, every stage is expanded from the raw file, so a dependency that includes
//! another dependency does not receive the top level twice (blubber.md §2.8), and the
//! dependencies of a dependency are found through its includes too.
//!
//! This module must not produce build instructions (that is `gantry-image`) and must not
//! re-check single fields (that is `decode`).

use std::collections::HashMap;
use std::sync::Arc;

use super::model::*;
use crate::diagnostic::{Diagnostic, Diagnostics, nearest};
use crate::yaml::Span;

/// One stage to build: a variant with the top level and its includes merged in.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandedVariant {
    pub name: String,
    /// The merged config; `includes` is empty, `copies` are still in their written form.
    pub config: Variant,
}

/// Expands `requested` and the variants it depends on, dependencies first.
pub fn expand(file: &BlubberFile, requested: &str) -> Result<Vec<ExpandedVariant>, Vec<Diagnostic>> {
    let mut expander = Expander { file, expanded: HashMap::new(), diagnostics: Diagnostics::default() };
    if file.variant(requested).is_none() {
        return Err(vec![unknown_variant(file, requested)]);
    }
    let mut order = Vec::new();
    expander.visit_copies_dependencies(requested, &mut Vec::new(), &mut order);
    if !expander.diagnostics.is_empty() {
        return Err(expander.diagnostics.into_sorted());
    }
    let stages: Vec<ExpandedVariant> = order
        .into_iter()
        .filter_map(|name| {
            // `order` names each variant once, so its merged config can be moved out.
            let config = expander.expanded.remove(&name)?;
            Some(ExpandedVariant { name, config })
        })
        .collect();
    for stage in &stages {
        check_merged(&file.path, &stage.config, &mut expander.diagnostics);
    }
    if expander.diagnostics.is_empty() { Ok(stages) } else { Err(expander.diagnostics.into_sorted()) }
}

struct Expander<'a> {
    file: &'a BlubberFile,
    expanded: HashMap<String, Variant>,
    diagnostics: Diagnostics,
}

impl Expander<'_> {
    /// Depth-first over the copies graph: each variant's dependencies before it, each once.
    /// `path` holds the variants being visited, to detect cycles.
    fn visit_copies_dependencies(&mut self, name: &str, path: &mut Vec<String>, order: &mut Vec<String>) {
        if order.iter().any(|done| done == name) {
            return;
        }
        if !self.expand_variant(name) {
            return;
        }
        let dependencies = variant_dependencies(&self.expanded[name], self.file);
        path.push(name.to_owned());
        for (dependency, span) in dependencies {
            if path.contains(&dependency) {
                self.diagnostics.push(cycle(&self.file.path, &dependency, span, "copies, requirements or mounts"));
                continue;
            }
            self.visit_copies_dependencies(&dependency, path, order);
        }
        path.pop();
        order.push(name.to_owned());
    }

    /// Merges a defined variant's config into `expanded`, once; false for undefined names.
    fn expand_variant(&mut self, name: &str) -> bool {
        if self.expanded.contains_key(name) {
            return true;
        }
        let Some(variant) = self.file.variant(name) else { return false };
        let mut includes = Vec::new();
        self.resolve_includes(variant, &mut vec![name.to_owned()], &mut includes);
        let mut merged = Variant {
            name: variant.name.clone(),
            common: self.file.common.clone(),
            ..Variant::default()
        };
        for include in includes.iter().filter_map(|n| self.file.variant(n)) {
            merged.merge(include);
        }
        merged.merge(variant);
        self.expanded.insert(name.to_owned(), merged);
        true
    }

    /// Transitive includes of `variant`, leaves first, each once (blubber.md §2.7 step 2).
    fn resolve_includes(&mut self, variant: &Variant, path: &mut Vec<String>, order: &mut Vec<String>) {
        for (index, include) in variant.includes.iter().enumerate() {
            let name = &include.value;
            if path.iter().any(|visiting| visiting == name) {
                self.diagnostics.push(cycle(&self.file.path, name, include.span, "includes"));
                continue;
            }
            let Some(included) = self.file.variant(name) else {
                self.diagnostics.push(unknown_include(self.file, index, include));
                continue;
            };
            if order.contains(name) {
                continue;
            }
            path.push(name.clone());
            self.resolve_includes(included, path, order);
            path.pop();
            order.push(name.clone());
        }
    }
}

/// The defined variants a merged variant reads from, in Blubber's order: `copies`, then the
/// requirements of node, php, python and the standalone builder (and its mounts), then
/// `builders`. Image references and `local` are not variants.
fn variant_dependencies(config: &Variant, file: &BlubberFile) -> Vec<(String, Span)> {
    let inputs = BuilderInputs::of(&config.common);
    let copies = config.copies.iter().map(|a| &a.from);
    let requirements = inputs.requirements.iter().map(|a| &a.from);
    let mounts = inputs.mounts.iter().map(|m| &m.from);
    // Blubber lists a custom builder's requirements before its mounts, builder by builder;
    // the order only matters for which of several dependencies is emitted first.
    copies
        .chain(requirements)
        .chain(mounts)
        .filter(|from| from.value != "local" && file.variant(&from.value).is_some())
        .map(|from| (from.value.clone(), from.span))
        .collect()
}

/// Everything the builders of a merged config read: requirements and mounts, in the order
/// node, php, python, standalone builder, then `builders`.
struct BuilderInputs<'a> {
    requirements: Vec<&'a Artifact>,
    mounts: Vec<&'a Mount>,
}

impl<'a> BuilderInputs<'a> {
    fn of(common: &'a Common) -> Self {
        let mut inputs = BuilderInputs { requirements: Vec::new(), mounts: Vec::new() };
        inputs.add(&common.node.requirements);
        inputs.add(&common.php.requirements);
        inputs.add(&common.python.requirements);
        if let Some(builder) = &common.builder {
            inputs.add_custom(builder);
        }
        for entry in common.builders.iter().flat_map(|b| b.value.iter()) {
            match entry {
                BuilderEntry::Custom(builder) => inputs.add_custom(builder),
                BuilderEntry::Node(node) => inputs.add(&node.requirements),
                BuilderEntry::Php(php) => inputs.add(&php.requirements),
                BuilderEntry::Python(python) => inputs.add(&python.requirements),
            }
        }
        inputs
    }

    fn add(&mut self, requirements: &'a Option<Vec<Artifact>>) {
        self.requirements.extend(requirements.iter().flatten());
    }

    fn add_custom(&mut self, builder: &'a CustomBuilder) {
        self.add(&builder.requirements);
        self.mounts.extend(builder.mounts.iter().flatten());
    }
}

/// Blubber's checks that only make sense after merging (its second `Validate`).
fn check_merged(file: &Arc<str>, config: &Variant, diagnostics: &mut Diagnostics) {
    let common = &config.common;
    let builders = common.builders.as_ref().filter(|b| !b.value.is_empty());
    if let Some(builders) = builders {
        if has_standalone_builder(common) {
            let span = common.standalone_builder_spans.first().copied().unwrap_or(builders.span);
            diagnostics.push(Diagnostic::new(
                file,
                span,
                r#"builders: is not allowed if any of field(s) "node php python builder" is declared/included"#,
                format!(
                    "variant `{}` gets both `builders` and a standalone node/php/python/builder key (directly or through includes); move the standalone one into the `builders` list",
                    config.name.value
                ),
            ));
        }
        if let Some(kind) = repeated_builder_kind(&builders.value) {
            diagnostics.push(Diagnostic::new(
                file,
                builders.span,
                "builders: contains disallowed repetitions of entries",
                format!("after merging includes, variant `{}` has more than one `{kind}` entry; only `custom` may repeat", config.name.value),
            ));
        }
    }
    let customs = common.builder.iter().chain(common.builders.iter().flat_map(|b| b.value.iter()).filter_map(|e| match e {
        BuilderEntry::Custom(custom) => Some(custom),
        _ => None,
    }));
    for custom in customs {
        let has_command = custom.command.as_ref().is_some_and(|c| !c.is_empty());
        if has_command && !custom.script.is_empty() {
            let span = custom.command_span.or(custom.script_span).unwrap_or_default();
            diagnostics.push(Diagnostic::new(
                file,
                span,
                r#"command: is not allowed if any of field(s) "script" is declared/included"#,
                format!(
                    "variant `{}` gets both `command` and `script` for one builder (directly or through includes); keep one of them",
                    config.name.value
                ),
            ));
        }
    }
}

fn has_standalone_builder(common: &Common) -> bool {
    common.node != Node::default()
        || common.php != Php::default()
        || common.python != Python::default()
        || common.builder.as_ref().is_some_and(|b| *b != CustomBuilder::default())
}

fn repeated_builder_kind(entries: &[BuilderEntry]) -> Option<&'static str> {
    let kind = |entry: &BuilderEntry| match entry {
        BuilderEntry::Node(_) => Some("node"),
        BuilderEntry::Php(_) => Some("php"),
        BuilderEntry::Python(_) => Some("python"),
        BuilderEntry::Custom(_) => None,
    };
    let kinds: Vec<&'static str> = entries.iter().filter_map(kind).collect();
    kinds.iter().enumerate().find(|(i, k)| kinds.iter().skip(i + 1).any(|other| other == *k)).map(|(_, k)| *k)
}

fn unknown_variant(file: &BlubberFile, requested: &str) -> Diagnostic {
    let names: Vec<&str> = file.variants.iter().map(|v| v.name.value.as_str()).collect();
    let help = match nearest(requested, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? Defined variants: {}", names.join(", ")),
        None if names.is_empty() => "this file defines no variants; add one under `variants:`".to_owned(),
        None => format!("defined variants: {}", names.join(", ")),
    };
    Diagnostic::new(&file.path, file.variants_span, format!("There is no key '{requested}' in the dependency graph"), help)
}

fn unknown_include(file: &BlubberFile, index: usize, include: &Spanned<String>) -> Diagnostic {
    Diagnostic::new(
        &file.path,
        include.span,
        format!("includes[{index}]: references an unknown variant {:?}", include.value),
        "name a variant defined under `variants:`",
    )
}

fn cycle(file: &Arc<str>, name: &str, span: Span, through: &str) -> Diagnostic {
    Diagnostic::new(
        file,
        span,
        format!("Detected dependency graph cycle at '{name}'"),
        format!("variant `{name}` depends on itself through {through}; remove one of the references"),
    )
}

/// A path of the build context a variant reads: local copies, requirements and mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextPath {
    /// Relative to the context root, as written (`.` for the whole context).
    pub source: String,
    /// Exclude patterns declared with it.
    pub exclude: Vec<String>,
}

/// The build-context paths one merged variant reads, in declaration order (duplicates kept).
pub fn context_paths(config: &Variant) -> Vec<ContextPath> {
    let inputs = BuilderInputs::of(&config.common);
    let whole_context_if_empty = |source: &str| if source.is_empty() { ".".to_owned() } else { source.to_owned() };
    let artifacts = config.copies.iter().chain(inputs.requirements).filter(|a| a.is_local()).map(|a| ContextPath {
        source: whole_context_if_empty(&a.source),
        exclude: a.exclude.clone(),
    });
    let mounts = inputs.mounts.into_iter().filter(|m| m.from.value == "local").map(|m| ContextPath {
        source: whole_context_if_empty(&m.source),
        exclude: Vec::new(),
    });
    artifacts.chain(mounts).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanned(text: &str) -> Spanned<String> {
        Spanned::new(text.to_owned(), Span::default())
    }

    fn variant(name: &str, includes: &[&str], copies_from: &[&str]) -> Variant {
        Variant {
            name: spanned(name),
            includes: includes.iter().map(|i| spanned(i)).collect(),
            copies: copies_from.iter().map(|f| Artifact { from: spanned(f), ..Artifact::default() }).collect(),
            ..Variant::default()
        }
    }

    fn file(variants: Vec<Variant>) -> BlubberFile {
        BlubberFile { path: "blubber.yaml".into(), common: Common::top_level_defaults(), variants, ..BlubberFile::default() }
    }

    fn stage_names(stages: &[ExpandedVariant]) -> Vec<&str> {
        stages.iter().map(|s| s.name.as_str()).collect()
    }

    /// `var: {includes: [ccc, bbb]}`, `bbb: {includes: [aaa]}` merge as ccc, aaa, bbb (§2.7).
    #[test]
    fn includes_merge_depth_first_leaves_first() {
        let mut blubber = file(vec![
            variant("aaa", &[], &[]),
            variant("bbb", &["aaa"], &[]),
            variant("ccc", &[], &[]),
            variant("var", &["ccc", "bbb"], &[]),
        ]);
        for v in &mut blubber.variants {
            let name = v.name.value.clone();
            v.common.apt.packages.insert("default".into(), vec![name]);
        }
        let stages = expand(&blubber, "var").unwrap();
        assert_eq!(stage_names(&stages), vec!["var"]);
        assert_eq!(stages[0].config.common.apt.packages["default"], vec!["ccc", "aaa", "bbb", "var"]);
    }

    #[test]
    fn copies_dependencies_come_first_leaves_first_each_once() {
        let blubber = file(vec![
            variant("aaa", &[], &["local"]),
            variant("bbb", &["aaa"], &["aaa"]),
            variant("ccc", &[], &["aaa", "bbb", "docker.io/library/debian"]),
        ]);
        let stages = expand(&blubber, "ccc").unwrap();
        assert_eq!(stage_names(&stages), vec!["aaa", "bbb", "ccc"]);
    }

    #[test]
    fn graph_problems_are_diagnostics() {
        let cases: Vec<(Vec<Variant>, &str, &str)> = vec![
            (vec![variant("aaa", &[], &[])], "nope", "There is no key 'nope' in the dependency graph"),
            (vec![variant("aaa", &["bbb"], &[]), variant("bbb", &["aaa"], &[])], "aaa", "Detected dependency graph cycle at 'aaa'"),
            (vec![variant("aaa", &[], &["bbb"]), variant("bbb", &[], &["aaa"])], "aaa", "Detected dependency graph cycle at 'aaa'"),
            (vec![variant("aaa", &[], &["aaa"])], "aaa", "Detected dependency graph cycle at 'aaa'"),
        ];
        for (variants, requested, message) in cases {
            let errors = expand(&file(variants), requested).unwrap_err();
            assert_eq!(errors[0].message, message, "requesting {requested}");
            assert_eq!(&*errors[0].file, "blubber.yaml");
        }
    }

    #[test]
    fn builders_with_an_included_standalone_builder_is_rejected_after_merge() {
        let mut top = variant("top", &[], &[]);
        top.common.node.env = "production".into();
        let mut var = variant("var", &["top"], &[]);
        var.common.builders = Some(spanned_builders(vec![BuilderEntry::Python(Python::default())]));
        let errors = expand(&file(vec![top, var]), "var").unwrap_err();
        assert_eq!(
            errors[0].message,
            r#"builders: is not allowed if any of field(s) "node php python builder" is declared/included"#
        );
    }

    #[test]
    fn command_and_script_from_different_layers_are_rejected() {
        let mut top = variant("top", &[], &[]);
        top.common.builder = Some(CustomBuilder { command: Some(Command::Shell("make".into())), ..CustomBuilder::default() });
        let mut var = variant("var", &["top"], &[]);
        var.common.builder = Some(CustomBuilder { script: "make all\n".into(), ..CustomBuilder::default() });
        let errors = expand(&file(vec![top, var]), "var").unwrap_err();
        assert_eq!(errors[0].message, r#"command: is not allowed if any of field(s) "script" is declared/included"#);
    }

    #[test]
    fn repeated_builder_kinds_are_rejected() {
        let mut var = variant("var", &[], &[]);
        var.common.builders = Some(spanned_builders(vec![
            BuilderEntry::Php(Php::default()),
            BuilderEntry::Php(Php::default()),
        ]));
        let errors = expand(&file(vec![var]), "var").unwrap_err();
        assert_eq!(errors[0].message, "builders: contains disallowed repetitions of entries");
    }

    fn spanned_builders(entries: Vec<BuilderEntry>) -> Spanned<Vec<BuilderEntry>> {
        Spanned::new(entries, Span::default())
    }

    #[test]
    fn context_paths_list_local_sources() {
        let mut var = variant("var", &[], &["local", "other"]);
        var.common.node.requirements = Some(vec![Artifact {
            from: spanned("local"),
            source: "package.json".into(),
            ..Artifact::default()
        }]);
        var.common.builder = Some(CustomBuilder {
            mounts: Some(vec![Mount { from: spanned("local"), source: "cache/".into(), ..Mount::default() }]),
            ..CustomBuilder::default()
        });
        let sources: Vec<String> = context_paths(&var).into_iter().map(|p| p.source).collect();
        assert_eq!(sources, vec![".", "package.json", "cache/"]);
    }
}
