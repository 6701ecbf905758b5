//! Decodes a YAML tree into a [`BlubberFile`], reporting every problem in one pass.
//!
//! Acceptance follows Blubber v0.23.0 (and the fields Blubber added later), with its message
//! texts, so users can search for them. Where Blubber silently accepts a mistake (unknown keys
//! inside `copies` entries, two builder kinds in one `builders` entry, a `from` typo taken as an
//! image name) gantry reports it; docs/compatibility.md lists each such difference.
//!
//! This module must not merge variants or look at other files: checks that need the merged
//! config (`builders` vs `node`, cycles) live in `expand`.

use std::sync::Arc;

mod apt;
mod artifacts;
mod builders;
mod readers;
mod users;

use artifacts::requirement_froms;

use super::model::*;
use super::rules;
use crate::diagnostic::{Diagnostic, Diagnostics, nearest, parse_yaml};
use crate::yaml::{self, Node as YamlNode, Span};

pub(crate) const TOP_LEVEL_KEYS: &[&str] = &[
    "version", "variants", "base", "arguments", "apt", "builder", "builders", "node", "php",
    "python", "lives", "runs", "entrypoint",
];
pub(crate) const VARIANT_KEYS: &[&str] = &[
    "includes", "copies", "base", "arguments", "apt", "builder", "builders", "node", "php",
    "python", "lives", "runs", "entrypoint",
];

/// Keys that existed in older Blubber versions, with what to do instead.
const REMOVED_KEYS: &[(&str, &str)] = &[
    ("use-system-flag", "Blubber v0.23 removed `use-system-flag`: Python builders always install into a venv now. Delete the line."),
    ("sharedvolume", "`sharedvolume` was removed from Blubber in 2018. Delete it and copy what you need with `copies`."),
    ("artifacts", "`artifacts` became `copies` in config v4: rename the key and use `{from, source, destination}` entries."),
    ("dependencies", "`node.dependencies` was removed: list the files npm needs under `node.requirements`."),
];

/// Parses and decodes a Blubber file. `file` is the name used in diagnostics.
pub fn parse(file: &Arc<str>, text: &str) -> Result<BlubberFile, Vec<Diagnostic>> {
    let root = parse_yaml(file, text)?;
    let mut decoder = Decoder { file: file.clone(), diagnostics: Diagnostics::default() };
    let decoded = decoder.file(&root);
    if decoder.diagnostics.is_empty() {
        Ok(decoded)
    } else {
        Err(decoder.diagnostics.into_sorted())
    }
}

pub(super) struct Decoder {
    file: Arc<str>,
    diagnostics: Diagnostics,
}

/// A mapping's entries after the key check: `(key text, key node, value node)`.
pub(super) type Entries<'a> = Vec<(&'a str, &'a YamlNode, &'a YamlNode)>;

impl Decoder {
    fn report(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(&self.file, span, message, help));
    }

    fn file(&mut self, root: &YamlNode) -> BlubberFile {
        let mut file = BlubberFile {
            path: self.file.clone(),
            common: Common::top_level_defaults(),
            ..BlubberFile::default()
        };
        file.variants_span = Span { start: yaml::Pos { line: 1, column: 1 }, end: yaml::Pos { line: 1, column: 1 } };
        let Some(entries) = self.mapping(root, "the Blubber file", TOP_LEVEL_KEYS) else {
            return file;
        };
        let mut saw_version = false;
        for (key, key_node, value) in &entries {
            match *key {
                "version" => {
                    saw_version = true;
                    if let Some(version) = self.string(value, "version") {
                        if version != "v4" {
                            self.report(
                                value.span,
                                format!("version: config version {version:?} is unsupported"),
                                version_help(&version),
                            );
                        }
                        file.version = Spanned::new(version, value.span);
                    }
                }
                "variants" => {
                    file.variants_span = key_node.span;
                    file.variants = self.variants(value);
                }
                _ => self.common_key(&mut file.common, key, key_node, value),
            }
        }
        if !saw_version {
            self.report(
                root.span,
                "version: is required",
                "add `version: v4` as the first line of the file",
            );
        }
        self.check_variant_references(&file);
        file
    }

    fn variants(&mut self, node: &YamlNode) -> Vec<Variant> {
        let Some(entries) = self.mapping(node, "variants", &[]) else {
            return Vec::new();
        };
        let mut variants = Vec::new();
        for (name, key_node, value) in entries {
            if !rules::is_variant_or_user_name(name) {
                self.report(
                    key_node.span,
                    format!("variants: contains a bad variant name ({name:?})"),
                    "variant names start with a letter, end with a letter or digit, have at least 3 characters, and use only letters, digits, '-' and '.'",
                );
            }
            let mut variant = Variant { name: Spanned::new(name.to_string(), key_node.span), ..Variant::default() };
            if let Some(entries) = self.mapping(value, &format!("variant {name:?}"), VARIANT_KEYS) {
                for (key, key_node, value) in entries {
                    match key {
                        "includes" => {
                            variant.includes = self.string_list(value, "includes").unwrap_or_default()
                        }
                        "copies" => variant.copies = self.copies(value),
                        _ => self.common_key(&mut variant.common, key, key_node, value),
                    }
                }
            }
            variants.push(variant);
        }
        variants
    }

    fn common_key(&mut self, common: &mut Common, key: &str, key_node: &YamlNode, value: &YamlNode) {
        match key {
            "base" => {
                if !value.is_null()
                    && let Some(base) = self.string(value, "base") {
                        if !rules::is_image_reference(&base) {
                            self.report(
                                value.span,
                                format!("base: {base:?} is not a valid image reference"),
                                "use a Docker image reference such as `docker-registry.wikimedia.org/bookworm:20250720` (lower-case path, no spaces)",
                            );
                        }
                        common.base = Some(Spanned::new(base, value.span));
                    }
            }
            "arguments" => {
                common.arguments = self.env_map(value, "arguments");
            }
            "apt" => self.apt(&mut common.apt, value),
            "node" => {
                common.standalone_builder_spans.push(key_node.span);
                common.node = self.node(value);
            }
            "php" => {
                common.standalone_builder_spans.push(key_node.span);
                common.php = self.php(value);
            }
            "python" => {
                common.standalone_builder_spans.push(key_node.span);
                common.python = self.python(value);
            }
            "builder" => {
                common.standalone_builder_spans.push(key_node.span);
                common.builder = self.custom_builder(value, "builder");
            }
            "builders" => {
                if let Some(entries) = self.builders(value) {
                    common.builders = Some(Spanned::new(entries, key_node.span));
                }
            }
            "lives" => self.lives(&mut common.lives, value),
            "runs" => self.runs(&mut common.runs, value),
            "entrypoint" => common.entrypoint = self.plain_string_list(value, "entrypoint"),
            _ => unreachable!("mapping() only lets allowed keys through"),
        }
    }

    /// Reports `includes`, `copies` and requirement `from`s that name no variant.
    fn check_variant_references(&mut self, file: &BlubberFile) {
        let names: Vec<&str> = file.variants.iter().map(|v| v.name.value.as_str()).collect();
        for variant in &file.variants {
            for include in &variant.includes {
                if !names.contains(&include.value.as_str()) {
                    let help = match nearest(&include.value, names.iter().copied()) {
                        Some(name) => format!("did you mean {name:?}? Variants defined here: {}", names.join(", ")),
                        None => format!("variants defined here: {}", names.join(", ")),
                    };
                    self.report(include.span, format!("includes: references an unknown variant {:?}", include.value), help);
                }
            }
            let mut froms: Vec<&Spanned<String>> = variant.copies.iter().map(|c| &c.from).collect();
            froms.extend(requirement_froms(&variant.common));
            for from in froms {
                self.check_from(&from.value, from.span, &names);
            }
        }
        for from in requirement_froms(&file.common) {
            self.check_from(&from.value, from.span, &names);
        }
    }

    /// A `from` is `local`, a variant, or an image reference. A bare word that is none of
    /// these is almost always a misspelt variant, so gantry reports it (Blubber would try to
    /// pull an image of that name).
    fn check_from(&mut self, from: &str, span: Span, variants: &[&str]) {
        if from == "local" || variants.contains(&from) {
            return;
        }
        if !rules::is_image_reference(from) {
            self.report(
                span,
                format!("from: {from:?} is not a valid image reference or known variant"),
                format!("use `local`, one of the variants ({}) or an image reference", variants.join(", ")),
            );
        } else if !from.contains(['/', ':', '@']) {
            let help = match nearest(from, variants.iter().copied()) {
                Some(name) => format!("did you mean the variant {name:?}? To copy from an image, write its full reference with a tag, e.g. `{from}:latest`"),
                None => format!("variants defined here: {}. To copy from an image, write its full reference with a tag, e.g. `{from}:latest`", variants.join(", ")),
            };
            self.report(span, format!("from: {from:?} is not a known variant"), help);
        }
    }

    // --- typed readers -------------------------------------------------------------------
}

fn version_help(version: &str) -> String {
    if version == "v3" || version == "v2" || version == "v1" {
        format!(
            "gantry reads Blubber config v4. Change `version: {version}` to `version: v4`; v4 renamed `artifacts` to `copies` (a list of `{{from, source, destination}}`) and dropped `sharedvolume`"
        )
    } else {
        "set `version: v4`".to_string()
    }
}
