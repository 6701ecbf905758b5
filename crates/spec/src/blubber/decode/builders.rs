//! The builders: `node`, `php`, `python` (with `poetry`), custom `builder`s, the ordered
//! `builders:` list, and the mounts and caches of custom builders.

use super::Decoder;
use crate::blubber::model::*;
use crate::blubber::rules;
use crate::yaml::{Node as YamlNode, Value};

impl Decoder {
    pub(super) fn node(&mut self, node: &YamlNode) -> Node {
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

    pub(super) fn php(&mut self, node: &YamlNode) -> Php {
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

    pub(super) fn python(&mut self, node: &YamlNode) -> Python {
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

    pub(super) fn poetry(&mut self, node: &YamlNode) -> Poetry {
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

    pub(super) fn custom_builder(&mut self, node: &YamlNode, what: &str) -> Option<CustomBuilder> {
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

    pub(super) fn builders(&mut self, node: &YamlNode) -> Option<Vec<BuilderEntry>> {
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

    pub(super) fn mounts(&mut self, node: &YamlNode) -> Vec<Mount> {
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

    pub(super) fn caches(&mut self, node: &YamlNode) -> Vec<Cache> {
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
}
