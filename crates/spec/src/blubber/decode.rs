//! Decodes a YAML tree into a [`BlubberFile`], reporting every problem in one pass.
//!
//! Acceptance follows Blubber v0.23.0 (and the fields Blubber added later), with its message
//! texts, so users can search for them. Where Blubber silently accepts a mistake (unknown keys
//! inside `copies` entries, two builder kinds in one `builders` entry, a `from` typo taken as an
//! image name) gantry reports it; docs/compatibility.md lists each such difference.
//!
//! This module must not merge variants or look at other files: checks that need the merged
//! config (`builders` vs `node`, cycles) live in `expand`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::model::*;
use super::rules;
use crate::diagnostic::{Diagnostic, Diagnostics, nearest, parse_yaml};
use crate::yaml::{self, Node as YamlNode, Reading, Span, Value};

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

struct Decoder {
    file: Arc<str>,
    diagnostics: Diagnostics,
}

/// A mapping's entries after the key check: `(key text, key node, value node)`.
type Entries<'a> = Vec<(&'a str, &'a YamlNode, &'a YamlNode)>;

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

    fn apt(&mut self, apt: &mut Apt, node: &YamlNode) {
        let Some(entries) = self.mapping(node, "apt", &["packages", "sources", "proxies"]) else {
            return;
        };
        for (key, _, value) in entries {
            match key {
                "packages" => apt.packages = self.apt_packages(value),
                "sources" => apt.sources = self.apt_sources(value),
                "proxies" => apt.proxies = self.apt_proxies(value),
                _ => unreachable!(),
            }
        }
    }

    fn apt_packages(&mut self, node: &YamlNode) -> BTreeMap<String, Vec<String>> {
        let mut packages = BTreeMap::new();
        let by_release: Vec<(String, &YamlNode)> = match &node.value {
            Value::Seq(_) => vec![("default".to_string(), node)],
            Value::Map(_) => {
                let Some(entries) = self.mapping(node, "packages", &[]) else {
                    return packages;
                };
                let mut releases = Vec::new();
                for (release, key_node, list) in entries {
                    if release != "default" && !rules::is_debian_release(release) {
                        self.report(
                            key_node.span,
                            format!("packages: {release:?} is not a valid Debian release name"),
                            "use `default` or a release such as `bookworm-backports`",
                        );
                    }
                    releases.push((release.to_string(), list));
                }
                releases
            }
            _ => {
                self.type_mismatch(node, "packages", "array or object");
                return packages;
            }
        };
        for (release, list) in by_release {
            let Some(names) = self.string_list(list, "packages") else { continue };
            for (i, name) in names.iter().enumerate() {
                if !rules::is_debian_package(&name.value) {
                    self.report(
                        name.span,
                        format!("packages[{release}][{i}]: {:?} is not a valid Debian package name", name.value),
                        "Debian package names are lower case (a-z, 0-9, '+', '-', '.'), optionally followed by `=version` or `/release`",
                    );
                }
            }
            packages.entry(release).or_insert_with(Vec::new).extend(names.into_iter().map(|n| n.value));
        }
        packages
    }

    fn apt_sources(&mut self, node: &YamlNode) -> Vec<AptSource> {
        let mut sources = Vec::new();
        for item in self.sequence(node, "sources") {
            let Some(entries) = self.mapping(item, "apt source", &["url", "distribution", "components", "signed-by"])
            else {
                continue;
            };
            let mut source = AptSource::default();
            for (key, _, value) in entries {
                match key {
                    "url" => {
                        if let Some(url) = self.string(value, "url") {
                            if !rules::is_http_url(&url) {
                                self.report(
                                    value.span,
                                    format!("url: {url:?} is not a valid HTTP/HTTPS URL"),
                                    "apt sources are fetched over http:// or https://",
                                );
                            }
                            source.url = url;
                        }
                    }
                    "distribution" => {
                        if let Some(distribution) = self.string(value, "distribution") {
                            if !rules::is_debian_release(&distribution) {
                                self.report(
                                    value.span,
                                    format!("distribution: {distribution:?} is not a valid Debian release name"),
                                    "use a release name such as `bookworm` or `bookworm-wikimedia`",
                                );
                            }
                            source.distribution = distribution;
                        }
                    }
                    "components" => {
                        for component in self.string_list(value, "components").unwrap_or_default() {
                            if !rules::is_debian_component(&component.value) {
                                self.report(
                                    component.span,
                                    format!("components: {:?} is not a valid Debian component name", component.value),
                                    "use a component such as `main` or `thirdparty/node20`",
                                );
                            }
                            source.components.push(component.value);
                        }
                    }
                    "signed-by" => source.signed_by = self.string(value, "signed-by").unwrap_or_default(),
                    _ => unreachable!(),
                }
            }
            if source.url.is_empty() && item.get("url").is_none() {
                self.report(item.span, "url: is required", "add the repository's `url: http://...`");
            }
            if source.distribution.is_empty() && item.get("distribution").is_none() {
                self.report(
                    item.span,
                    "distribution: is required",
                    "add `distribution:` with the release name, e.g. `bookworm-wikimedia`",
                );
            }
            sources.push(source);
        }
        sources
    }

    fn apt_proxies(&mut self, node: &YamlNode) -> Vec<AptProxy> {
        let mut proxies = Vec::new();
        for item in self.sequence(node, "proxies") {
            let proxy = if matches!(item.value, Value::Map(_)) {
                let mut proxy = AptProxy::default();
                for (key, _, value) in self.mapping(item, "apt proxy", &["url", "source"]).unwrap_or_default() {
                    let text = self.string(value, key).unwrap_or_default();
                    if !rules::is_http_url(&text) {
                        self.report(
                            value.span,
                            format!("{key}: {text:?} does not match pattern '^https?://'"),
                            "proxies and their sources are http:// or https:// URLs",
                        );
                    }
                    if key == "url" { proxy.url = text } else { proxy.source = text }
                }
                if item.get("url").is_none() {
                    self.report(item.span, "url: is required", "add the proxy's `url: http://...`");
                }
                proxy
            } else {
                let url = self.string(item, "proxies").unwrap_or_default();
                if !rules::is_http_url(&url) {
                    self.report(
                        item.span,
                        format!("proxies: {url:?} does not match pattern '^https?://'"),
                        "proxies are http:// or https:// URLs",
                    );
                }
                AptProxy { url, source: String::new() }
            };
            proxies.push(proxy);
        }
        proxies
    }

    fn node(&mut self, node: &YamlNode) -> Node {
        let mut config = Node::default();
        let keys = &["requirements", "env", "use-npm-ci", "allow-dedupe-failure"];
        for (key, _, value) in self.mapping(node, "node", keys).unwrap_or_default() {
            match key {
                "requirements" => config.requirements = Some(self.requirements(value)),
                "env" => {
                    let env = self.string(value, "env").unwrap_or_default();
                    if !env.is_empty() && !rules::is_node_env(&env) {
                        self.report(
                            value.span,
                            format!("env: {env:?} is not a valid Node environment name"),
                            "NODE_ENV values are letters and digits only, e.g. `production` or `development`",
                        );
                    }
                    config.env = env;
                }
                "use-npm-ci" => config.use_npm_ci = self.boolean(value, key),
                "allow-dedupe-failure" => config.allow_dedupe_failure = self.boolean(value, key),
                _ => unreachable!(),
            }
        }
        config
    }

    fn php(&mut self, node: &YamlNode) -> Php {
        let mut config = Php::default();
        for (key, _, value) in self.mapping(node, "php", &["requirements", "production"]).unwrap_or_default() {
            match key {
                "requirements" => config.requirements = Some(self.requirements(value)),
                "production" => config.production = self.boolean(value, key),
                _ => unreachable!(),
            }
        }
        config
    }

    fn python(&mut self, node: &YamlNode) -> Python {
        let mut config = Python::default();
        let keys = &[
            "version", "requirements", "use-system-site-packages", "no-deps", "poetry", "venv",
            "pip-version", "setuptools-version", "wheel-version", "tox-version",
        ];
        for (key, _, value) in self.mapping(node, "python", keys).unwrap_or_default() {
            match key {
                "version" => config.version = self.string(value, key).unwrap_or_default(),
                "requirements" => config.requirements = Some(self.requirements(value)),
                "use-system-site-packages" => config.use_system_site_packages = self.boolean(value, key),
                "no-deps" => config.no_deps = self.boolean(value, key),
                "poetry" => config.poetry = self.poetry(value),
                "venv" => {
                    let venv = self.string(value, key).unwrap_or_default();
                    if !venv.is_empty() && !rules::is_absolute_non_root_path(&venv) {
                        self.report(
                            value.span,
                            format!("venv: {venv:?} is not a valid absolute non-root path"),
                            "give the venv an absolute path such as `/opt/lib/venv`",
                        );
                    }
                    config.venv = venv;
                }
                "pip-version" => config.pip_version = self.string(value, key).unwrap_or_default(),
                "setuptools-version" => config.setuptools_version = self.string(value, key).unwrap_or_default(),
                "wheel-version" => config.wheel_version = self.string(value, key).unwrap_or_default(),
                "tox-version" => config.tox_version = self.string(value, key).unwrap_or_default(),
                _ => unreachable!(),
            }
        }
        config
    }

    fn poetry(&mut self, node: &YamlNode) -> Poetry {
        let mut poetry = Poetry::default();
        for (key, _, value) in self.mapping(node, "poetry", &["version", "devel", "only", "without"]).unwrap_or_default() {
            match key {
                "version" => {
                    let version = self.string(value, key).unwrap_or_default();
                    if !version.is_empty() && !rules::is_python_version_spec(&version) {
                        self.report(
                            value.span,
                            format!("version: {version:?} is not a valid Python package version specification"),
                            format!("start with a comparison operator, e.g. `=={version}` or `>={version}`"),
                        );
                    }
                    poetry.version = version;
                }
                "devel" => poetry.devel = self.boolean(value, key),
                "only" => poetry.only = self.string(value, key).unwrap_or_default(),
                "without" => poetry.without = self.string(value, key).unwrap_or_default(),
                _ => unreachable!(),
            }
        }
        poetry
    }

    fn custom_builder(&mut self, node: &YamlNode, what: &str) -> Option<CustomBuilder> {
        let keys = &["command", "script", "requirements", "mounts", "caches"];
        let entries = self.mapping(node, what, keys)?;
        let mut builder = CustomBuilder::default();
        for (key, key_node, value) in entries {
            match key {
                "command" => {
                    builder.command_span = Some(key_node.span);
                    builder.command = match &value.value {
                        Value::Seq(_) => self.plain_string_list(value, "command").map(Command::Exec),
                        _ => self.string(value, "command").map(Command::Shell),
                    };
                }
                "script" => {
                    builder.script_span = Some(key_node.span);
                    builder.script = self.string(value, "script").unwrap_or_default();
                }
                "requirements" => builder.requirements = Some(self.requirements(value)),
                "mounts" => builder.mounts = Some(self.mounts(value)),
                "caches" => builder.caches = Some(self.caches(value)),
                _ => unreachable!(),
            }
        }
        if builder.command.is_some() && !builder.script.is_empty() {
            self.report(
                builder.command_span.unwrap_or(node.span),
                "command: is not allowed if any of field(s) \"script\" is declared/included",
                "a builder runs either a `command` or a `script`: remove one of them",
            );
        }
        Some(builder)
    }

    fn builders(&mut self, node: &YamlNode) -> Option<Vec<BuilderEntry>> {
        if !matches!(node.value, Value::Seq(_)) {
            self.type_mismatch(node, "builders", "array");
            return None;
        }
        let mut builders = Vec::new();
        for (i, item) in self.sequence(node, "builders").into_iter().enumerate() {
            let kinds = ["custom", "node", "php", "python"];
            let Some(entries) = self.mapping(item, &format!("builders[{i}]"), &kinds) else { continue };
            match entries.as_slice() {
                [] => self.report(
                    item.span,
                    format!("builders[{i}]: an entry needs one builder: custom, node, php or python"),
                    "write e.g. `- custom: {command: [make]}` or remove the empty entry",
                ),
                [(kind, _, value)] => {
                    let entry = match *kind {
                        "custom" => self.custom_builder(value, "custom").map(BuilderEntry::Custom),
                        "node" => Some(BuilderEntry::Node(self.node(value))),
                        "php" => Some(BuilderEntry::Php(self.php(value))),
                        "python" => Some(BuilderEntry::Python(self.python(value))),
                        _ => unreachable!(),
                    };
                    builders.extend(entry);
                }
                [_, (second, second_node, _), ..] => self.report(
                    second_node.span,
                    format!("builders[{i}]: has more than one builder (also {second:?})"),
                    "give each builder its own list entry (`- node: ...` and `- custom: ...`); Blubber would silently drop all but one",
                ),
            }
        }
        let mut seen = Vec::new();
        for entry in &builders {
            let kind = match entry {
                BuilderEntry::Custom(_) => continue,
                BuilderEntry::Node(_) => "node",
                BuilderEntry::Php(_) => "php",
                BuilderEntry::Python(_) => "python",
            };
            if seen.contains(&kind) {
                self.report(
                    node.span,
                    "builders: contains disallowed repetitions of entries",
                    format!("`{kind}` may appear once in `builders` (only `custom` may repeat)"),
                );
            }
            seen.push(kind);
        }
        Some(builders)
    }

    fn lives(&mut self, lives: &mut Lives, node: &YamlNode) {
        for (key, _, value) in self.mapping(node, "lives", &["in", "as", "uid", "gid"]).unwrap_or_default() {
            match key {
                "in" => lives.in_dir = self.absolute_path(value, "in"),
                "as" => lives.as_user = self.user_name(value),
                "uid" => lives.uid = self.id(value, "uid"),
                "gid" => lives.gid = self.id(value, "gid"),
                _ => unreachable!(),
            }
        }
    }

    fn runs(&mut self, runs: &mut Runs, node: &YamlNode) {
        let keys = &["as", "uid", "gid", "in", "environment", "insecurely"];
        for (key, _, value) in self.mapping(node, "runs", keys).unwrap_or_default() {
            match key {
                "as" => runs.as_user = self.user_name(value),
                "uid" => runs.uid = self.id(value, "uid"),
                "gid" => runs.gid = self.id(value, "gid"),
                "in" => runs.in_dir = self.absolute_path(value, "in"),
                "environment" => runs.environment = self.env_map(value, "environment"),
                "insecurely" => runs.insecurely = self.boolean(value, key),
                _ => unreachable!(),
            }
        }
    }

    /// `copies`: all strings (variant names or `local`) or all objects.
    fn copies(&mut self, node: &YamlNode) -> Vec<Artifact> {
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
    fn requirements(&mut self, node: &YamlNode) -> Vec<Artifact> {
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

    fn artifact(&mut self, node: &YamlNode, what: &str) -> Option<Artifact> {
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

    fn check_local_source(&mut self, source: &str, span: Span) {
        if !rules::stays_inside_context(source) {
            self.report(
                span,
                "source: path must be relative when \"from\" is \"local\"",
                "local sources are paths inside the build context (the repository): remove the leading '/' or '../'",
            );
        }
    }

    fn mounts(&mut self, node: &YamlNode) -> Vec<Mount> {
        let mut mounts: Vec<Mount> = Vec::new();
        for item in self.sequence(node, "mounts") {
            let mount = match &item.value {
                Value::Map(_) => {
                    let mut mount = Mount::default();
                    let keys = &["from", "destination", "source"];
                    for (key, _, value) in self.mapping(item, "mounts entry", keys).unwrap_or_default() {
                        let text = self.string(value, key).unwrap_or_default();
                        match key {
                            "from" => mount.from = Spanned::new(text, value.span),
                            "destination" => mount.destination = text,
                            "source" => mount.source = text,
                            _ => unreachable!(),
                        }
                    }
                    if mount.from.value.is_empty() {
                        self.report(item.span, "from: is required", "say what to mount: `local`, a variant name or an image");
                        continue;
                    }
                    mount
                }
                _ => match self.string(item, "mounts") {
                    Some(from) => Mount { from: Spanned::new(from, item.span), ..Mount::default() },
                    None => continue,
                },
            };
            if mount.from.value == "local" && !mount.source.is_empty() {
                self.check_local_source(&mount.source, item.span);
            }
            if mounts.iter().any(|m| m.from.value == mount.from.value && m.source == mount.source && m.destination == mount.destination) {
                self.report(item.span, "mounts: cannot contain duplicates", "remove the repeated entry");
            }
            mounts.push(mount);
        }
        mounts
    }

    fn caches(&mut self, node: &YamlNode) -> Vec<Cache> {
        let mut caches: Vec<Cache> = Vec::new();
        for item in self.sequence(node, "caches") {
            let cache = match &item.value {
                Value::Map(_) => {
                    let mut cache = Cache::default();
                    let keys = &["destination", "id", "access"];
                    for (key, _, value) in self.mapping(item, "caches entry", keys).unwrap_or_default() {
                        let text = self.string(value, key).unwrap_or_default();
                        match key {
                            "destination" => cache.destination = text,
                            "id" => cache.id = text,
                            "access" => {
                                cache.access = match text.as_str() {
                                    "shared" => CacheAccess::Shared,
                                    "locked" => CacheAccess::Locked,
                                    "private" => CacheAccess::Private,
                                    _ => {
                                        self.report(
                                            value.span,
                                            format!("access: {text:?} is not one of shared, locked, private"),
                                            "`shared` lets parallel builds use the cache at once, `locked` makes them wait, `private` gives each its own",
                                        );
                                        CacheAccess::Shared
                                    }
                                }
                            }
                            _ => unreachable!(),
                        }
                    }
                    if cache.destination.is_empty() {
                        self.report(item.span, "destination: is required", "say where the cache is mounted, e.g. `destination: /home/somebody/.cache`");
                        continue;
                    }
                    cache
                }
                _ => match self.string(item, "caches") {
                    Some(destination) => Cache { destination, ..Cache::default() },
                    None => continue,
                },
            };
            if caches.contains(&cache) {
                self.report(item.span, "caches: cannot contain duplicates", "remove the repeated entry");
            }
            caches.push(cache);
        }
        caches
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

    /// Checks that `node` is a mapping and that its keys are allowed (`allowed` empty: any
    /// string key). Returns the entries in file order.
    fn mapping<'a>(&mut self, node: &'a YamlNode, what: &str, allowed: &[&str]) -> Option<Entries<'a>> {
        let Value::Map(pairs) = &node.value else {
            self.type_mismatch(node, what, "object");
            return None;
        };
        let mut entries = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let Some(name) = key.scalar_text() else {
                self.report(key.span, format!("{what}: keys must be strings"), "write the key as a plain word");
                continue;
            };
            if !allowed.is_empty() && !allowed.contains(&name) {
                self.unknown_key(key, name, what, allowed);
                continue;
            }
            entries.push((name, key, value));
        }
        Some(entries)
    }

    fn unknown_key(&mut self, key: &YamlNode, name: &str, what: &str, allowed: &[&str]) {
        let removed = REMOVED_KEYS.iter().find(|(k, _)| *k == name).map(|(_, help)| help.to_string());
        let help = removed.unwrap_or_else(|| {
            let list = allowed.join(", ");
            match nearest(name, allowed.iter().copied()) {
                Some(suggestion) => format!("did you mean `{suggestion}`? Allowed in {what}: {list}"),
                None => format!("allowed in {what}: {list}"),
            }
        });
        self.report(key.span, format!("unknown field {name:?}"), help);
    }

    fn sequence<'a>(&mut self, node: &'a YamlNode, what: &str) -> Vec<&'a YamlNode> {
        match &node.value {
            Value::Seq(items) => items.iter().collect(),
            _ => {
                self.type_mismatch(node, what, "array");
                Vec::new()
            }
        }
    }

    fn type_mismatch(&mut self, node: &YamlNode, what: &str, expected: &str) {
        let got = match (&node.value, node.reading()) {
            (Value::Map(_), _) => "object",
            (Value::Seq(_), _) => "array",
            (_, Some(Reading::Null)) => "null",
            (_, Some(Reading::Bool(_))) => "boolean",
            (_, Some(Reading::Int | Reading::Float)) => "number",
            _ => "string",
        };
        let help = match (expected, got) {
            ("array", "string") => format!("write a list: `{what}: [{}]`", node.scalar_text().unwrap_or_default()),
            (_, "null") => format!("give `{what}` a value or remove the key"),
            _ => format!("`{what}` must be {}", with_article(expected)),
        };
        self.report(node.span, format!("{what}: expected {expected}, but got {got}"), help);
    }

    /// A string value. Plain scalars that YAML 1.1 reads as booleans or numbers are errors, as
    /// in Blubber, with a message that says why.
    fn string(&mut self, node: &YamlNode, what: &str) -> Option<String> {
        match (&node.value, node.reading()) {
            (Value::Scalar { text, .. }, Some(Reading::Str)) => Some(text.clone()),
            (Value::Scalar { text, .. }, Some(reading @ (Reading::Bool(_) | Reading::Int | Reading::Float))) => {
                let meaning = match reading {
                    Reading::Bool(b) => format!("the boolean {b}"),
                    _ => "a number".into(),
                };
                self.report(
                    node.span,
                    format!("{what}: expected string, but got {} (YAML 1.1 reads {text} as {meaning})", reading.noun().trim_start_matches("a ")),
                    format!("quote the value: \"{text}\""),
                );
                None
            }
            _ => {
                self.type_mismatch(node, what, "string");
                None
            }
        }
    }

    fn boolean(&mut self, node: &YamlNode, what: &str) -> Option<bool> {
        match node.reading() {
            Some(Reading::Bool(b)) if matches!(node.value, Value::Scalar { style: yaml::Style::Plain, .. }) => Some(b),
            _ => {
                self.type_mismatch(node, what, "boolean");
                None
            }
        }
    }

    /// A user or group id: a non-negative integer.
    fn id(&mut self, node: &YamlNode, what: &str) -> u32 {
        let parsed = match (node.reading(), node.scalar_text()) {
            (Some(Reading::Int), Some(text)) => text.replace('_', "").parse::<u32>().ok(),
            _ => None,
        };
        parsed.unwrap_or_else(|| {
            if node.reading() == Some(Reading::Int) {
                self.report(node.span, format!("{what}: must be between 0 and 4294967295"), "use a numeric id such as 65533");
            } else {
                self.type_mismatch(node, what, "integer");
            }
            0
        })
    }

    fn absolute_path(&mut self, node: &YamlNode, what: &str) -> String {
        let path = self.string(node, what).unwrap_or_default();
        if !path.is_empty() && !rules::is_absolute_non_root_path(&path) {
            self.report(
                node.span,
                format!("{what}: {path:?} is not a valid absolute non-root path"),
                "use an absolute directory other than `/`, e.g. `/srv/app`",
            );
        }
        path
    }

    fn user_name(&mut self, node: &YamlNode) -> String {
        let name = self.string(node, "as").unwrap_or_default();
        if !name.is_empty() && !rules::is_user_name(&name) {
            self.report(
                node.span,
                format!("as: {name:?} is not a valid user name"),
                "user names start with a letter, have at least 3 characters (letters, digits, '-', '.'), and cannot be `root`",
            );
        }
        name
    }

    fn string_list(&mut self, node: &YamlNode, what: &str) -> Option<Vec<Spanned<String>>> {
        if !matches!(node.value, Value::Seq(_)) {
            self.type_mismatch(node, what, "array");
            return None;
        }
        Some(
            self.sequence(node, what)
                .into_iter()
                .filter_map(|item| self.string(item, what).map(|s| Spanned::new(s, item.span)))
                .collect(),
        )
    }

    fn plain_string_list(&mut self, node: &YamlNode, what: &str) -> Option<Vec<String>> {
        self.string_list(node, what).map(|list| list.into_iter().map(|s| s.value).collect())
    }

    /// A map of environment-style names to string values (`runs.environment`, `arguments`).
    fn env_map(&mut self, node: &YamlNode, what: &str) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        let mut bad_names = Vec::new();
        for (name, key_node, value) in self.mapping(node, what, &[]).unwrap_or_default() {
            if !rules::is_env_name(name) {
                bad_names.push((name, key_node.span));
            }
            // Blubber (Go's JSON decoding) reads a value left empty as "".
            let text = if value.is_null() { Some(String::new()) } else { self.string(value, &format!("{what}.{name}")) };
            if let Some(text) = text {
                map.insert(name.to_string(), text);
            }
        }
        for (name, span) in bad_names {
            self.report(
                span,
                format!("{what}: contains invalid environment variable names ({name:?})"),
                "names start with a letter or '_', have at least 2 characters, and use only letters, digits and '_'",
            );
        }
        map
    }
}

fn requirement_froms(common: &Common) -> Vec<&Spanned<String>> {
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

fn with_article(noun: &str) -> String {
    match noun {
        "array" | "object" | "integer" => format!("an {noun}"),
        "array or object" => "an array or an object".into(),
        _ => format!("a {noun}"),
    }
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
