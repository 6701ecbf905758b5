//! `apt:` — packages per release, extra sources and proxies.

use std::collections::BTreeMap;

use super::Decoder;
use crate::blubber::model::{Apt, AptProxy, AptSource};
use crate::blubber::rules;
use crate::yaml::{Node as YamlNode, Value};

impl Decoder {
    pub(super) fn apt(&mut self, apt: &mut Apt, node: &YamlNode) {
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

    pub(super) fn apt_packages(&mut self, node: &YamlNode) -> BTreeMap<String, Vec<String>> {
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

    pub(super) fn apt_sources(&mut self, node: &YamlNode) -> Vec<AptSource> {
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

    pub(super) fn apt_proxies(&mut self, node: &YamlNode) -> Vec<AptProxy> {
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
}
