//! `lives` and `runs`: the users, their ids and directories, and the environment.

use std::collections::BTreeMap;

use super::Decoder;
use crate::blubber::model::{Lives, Runs};
use crate::blubber::rules;
use crate::yaml::{Node as YamlNode, Reading};

impl Decoder {
    pub(super) fn lives(&mut self, lives: &mut Lives, node: &YamlNode) {
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

    pub(super) fn runs(&mut self, runs: &mut Runs, node: &YamlNode) {
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

    pub(super) fn absolute_path(&mut self, node: &YamlNode, what: &str) -> String {
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

    pub(super) fn user_name(&mut self, node: &YamlNode) -> String {
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

    /// A user or group id: a non-negative integer.
    pub(super) fn id(&mut self, node: &YamlNode, what: &str) -> u32 {
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

    /// A map of environment-style names to string values (`runs.environment`, `arguments`).
    pub(super) fn env_map(&mut self, node: &YamlNode, what: &str) -> BTreeMap<String, String> {
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
