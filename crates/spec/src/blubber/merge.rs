//! Blubber's merge rules: how a later, more specific config layer combines with an earlier one.
//!
//! `earlier.merge(&later)` applies the rules of Blubber's `Merge` methods field by field:
//! - strings (`base`, `lives.in`, `node.env`, python versions, …) override when non-empty;
//! - ids (`lives.uid`, `runs.gid`, …) override when non-zero;
//! - flags override when explicitly set, so a later `false` wins;
//! - lists that are "present" (`requirements`, `command`, `mounts`, `caches`, `entrypoint`)
//!   replace, even when empty;
//! - `runs.environment` and `arguments` are map unions, later wins;
//! - `apt` lists append (packages per target release);
//! - `copies` append after dropping earlier entries equal to a later one;
//! - `builders` merge by kind (see [`merge_builders`]).
//!
//! This module must not decide which layers are merged or in what order (that is `expand`),
//! and must not validate the result.

use super::model::*;

impl Variant {
    /// Merges a later variant layer into this one: its copies, then its common keys.
    /// `name` and `includes` are not merged; they describe the layer, not the result.
    pub fn merge(&mut self, later: &Variant) {
        merge_copies(&mut self.copies, &later.copies);
        self.common.merge(&later.common);
    }
}

impl Common {
    /// Merges a later layer (an included variant, then the variant itself) into this one.
    pub fn merge(&mut self, later: &Common) {
        if let Some(base) = &later.base
            && !base.value.is_empty() {
                self.base = Some(base.clone());
            }
        merge_map(&mut self.arguments, &later.arguments);
        merge_apt(&mut self.apt, &later.apt);
        if let Some(later_builders) = &later.builders {
            let earlier = self.builders.take().map(|b| b.value).unwrap_or_default();
            self.builders = Some(Spanned::new(merge_builders(earlier, &later_builders.value), later_builders.span));
        }
        merge_node(&mut self.node, &later.node);
        merge_php(&mut self.php, &later.php);
        merge_python(&mut self.python, &later.python);
        if let Some(later_builder) = &later.builder {
            merge_custom_builder(self.builder.get_or_insert_with(CustomBuilder::default), later_builder);
        }
        merge_lives(&mut self.lives, &later.lives);
        merge_runs(&mut self.runs, &later.runs);
        replace_if_present(&mut self.entrypoint, &later.entrypoint);
        self.standalone_builder_spans.extend(later.standalone_builder_spans.iter().copied());
    }
}

/// Later entries are appended; earlier entries equal to any later entry are dropped first, so
/// re-declaring a copy moves it to the later position instead of copying twice.
fn merge_copies(earlier: &mut Vec<Artifact>, later: &[Artifact]) {
    earlier.retain(|kept| !later.iter().any(|l| l.same_as(kept)));
    earlier.extend(later.iter().cloned());
}

/// Blubber's `builders` merge. Node, PHP and Python entries declared in both lists are merged
/// field-wise into the later entry's position; every other earlier entry (all `custom`
/// entries, and kinds the later list does not declare) comes first, in its order, followed by
/// the later list.
pub fn merge_builders(earlier: Vec<BuilderEntry>, later: &[BuilderEntry]) -> Vec<BuilderEntry> {
    let mut trailing = later.to_vec();
    let mut leading = Vec::new();
    for entry in earlier {
        let Some(position) = last_position_of_kind(&trailing, &entry) else {
            leading.push(entry);
            continue;
        };
        let Some(slot) = trailing.get_mut(position) else {
            continue;
        };
        let mut merged = entry;
        merge_same_kind(&mut merged, slot);
        *slot = merged;
    }
    leading.extend(trailing);
    leading
}

/// Where the later list declares a node/php/python entry of the same kind as `entry` (the last
/// one, as Blubber's map keeps it); `None` for custom entries, which never merge.
fn last_position_of_kind(later: &[BuilderEntry], entry: &BuilderEntry) -> Option<usize> {
    let same_kind = |candidate: &BuilderEntry| {
        matches!(
            (entry, candidate),
            (BuilderEntry::Node(_), BuilderEntry::Node(_))
                | (BuilderEntry::Php(_), BuilderEntry::Php(_))
                | (BuilderEntry::Python(_), BuilderEntry::Python(_))
        )
    };
    later.iter().rposition(same_kind)
}

fn merge_same_kind(earlier: &mut BuilderEntry, later: &BuilderEntry) {
    match (earlier, later) {
        (BuilderEntry::Node(e), BuilderEntry::Node(l)) => merge_node(e, l),
        (BuilderEntry::Php(e), BuilderEntry::Php(l)) => merge_php(e, l),
        (BuilderEntry::Python(e), BuilderEntry::Python(l)) => merge_python(e, l),
        _ => {}
    }
}

fn merge_apt(earlier: &mut Apt, later: &Apt) {
    for (release, packages) in &later.packages {
        earlier.packages.entry(release.clone()).or_default().extend(packages.iter().cloned());
    }
    earlier.sources.extend(later.sources.iter().cloned());
    earlier.proxies.extend(later.proxies.iter().cloned());
}

fn merge_node(earlier: &mut Node, later: &Node) {
    replace_if_present(&mut earlier.requirements, &later.requirements);
    override_if_non_empty(&mut earlier.env, &later.env);
    override_if_set(&mut earlier.use_npm_ci, later.use_npm_ci);
    override_if_set(&mut earlier.allow_dedupe_failure, later.allow_dedupe_failure);
}

fn merge_php(earlier: &mut Php, later: &Php) {
    replace_if_present(&mut earlier.requirements, &later.requirements);
    override_if_set(&mut earlier.production, later.production);
}

fn merge_python(earlier: &mut Python, later: &Python) {
    override_if_non_empty(&mut earlier.version, &later.version);
    replace_if_present(&mut earlier.requirements, &later.requirements);
    override_if_set(&mut earlier.use_system_site_packages, later.use_system_site_packages);
    override_if_set(&mut earlier.no_deps, later.no_deps);
    override_if_non_empty(&mut earlier.poetry.version, &later.poetry.version);
    override_if_set(&mut earlier.poetry.devel, later.poetry.devel);
    override_if_non_empty(&mut earlier.poetry.only, &later.poetry.only);
    override_if_non_empty(&mut earlier.poetry.without, &later.poetry.without);
    override_if_non_empty(&mut earlier.venv, &later.venv);
    override_if_non_empty(&mut earlier.pip_version, &later.pip_version);
    override_if_non_empty(&mut earlier.setuptools_version, &later.setuptools_version);
    override_if_non_empty(&mut earlier.wheel_version, &later.wheel_version);
    override_if_non_empty(&mut earlier.tox_version, &later.tox_version);
}

fn merge_custom_builder(earlier: &mut CustomBuilder, later: &CustomBuilder) {
    if later.command.is_some() {
        earlier.command = later.command.clone();
        earlier.command_span = later.command_span.or(earlier.command_span);
    }
    if !later.script.is_empty() {
        earlier.script = later.script.clone();
        earlier.script_span = later.script_span.or(earlier.script_span);
    }
    replace_if_present(&mut earlier.requirements, &later.requirements);
    replace_if_present(&mut earlier.mounts, &later.mounts);
    replace_if_present(&mut earlier.caches, &later.caches);
}

fn merge_lives(earlier: &mut Lives, later: &Lives) {
    override_if_non_empty(&mut earlier.in_dir, &later.in_dir);
    override_if_non_empty(&mut earlier.as_user, &later.as_user);
    override_if_non_zero(&mut earlier.uid, later.uid);
    override_if_non_zero(&mut earlier.gid, later.gid);
}

fn merge_runs(earlier: &mut Runs, later: &Runs) {
    override_if_non_empty(&mut earlier.as_user, &later.as_user);
    override_if_non_zero(&mut earlier.uid, later.uid);
    override_if_non_zero(&mut earlier.gid, later.gid);
    override_if_non_empty(&mut earlier.in_dir, &later.in_dir);
    merge_map(&mut earlier.environment, &later.environment);
    override_if_set(&mut earlier.insecurely, later.insecurely);
}

fn override_if_non_empty(earlier: &mut String, later: &str) {
    if !later.is_empty() {
        *earlier = later.to_owned();
    }
}

fn override_if_non_zero(earlier: &mut u32, later: u32) {
    if later != 0 {
        *earlier = later;
    }
}

fn override_if_set(earlier: &mut Option<bool>, later: Option<bool>) {
    if later.is_some() {
        *earlier = later;
    }
}

fn replace_if_present<T: Clone>(earlier: &mut Option<T>, later: &Option<T>) {
    if later.is_some() {
        *earlier = later.clone();
    }
}

fn merge_map(earlier: &mut std::collections::BTreeMap<String, String>, later: &std::collections::BTreeMap<String, String>) {
    for (key, value) in later {
        earlier.insert(key.clone(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

    fn custom(name: &str) -> BuilderEntry {
        BuilderEntry::Custom(CustomBuilder {
            command: Some(Command::Exec(vec![name.to_owned()])),
            ..CustomBuilder::default()
        })
    }

    fn node(env: &str) -> BuilderEntry {
        BuilderEntry::Node(Node { env: env.to_owned(), ..Node::default() })
    }

    fn python(version: &str) -> BuilderEntry {
        BuilderEntry::Python(Python { version: version.to_owned(), ..Python::default() })
    }

    fn local(source: &str) -> Artifact {
        Artifact { from: Spanned::new("local".into(), Span::default()), source: source.into(), ..Artifact::default() }
    }

    /// The oracle example of blubber.md §2.7.
    #[test]
    fn builders_merge_keeps_unmatched_earlier_entries_first_and_merges_same_kinds_in_place() {
        let earlier = vec![custom("top1"), BuilderEntry::Node(Node { use_npm_ci: Some(true), ..Node::default() }), custom("top2")];
        let later = vec![python("python3"), node("production"), custom("var1")];
        let merged = merge_builders(earlier, &later);
        let expected = vec![
            custom("top1"),
            custom("top2"),
            python("python3"),
            BuilderEntry::Node(Node { env: "production".into(), use_npm_ci: Some(true), ..Node::default() }),
            custom("var1"),
        ];
        assert_eq!(merged, expected);
    }

    #[test]
    fn scalar_rules_follow_blubber_zero_values() {
        // (field description, earlier, later, expected) as data over `Lives`/`Runs`.
        let mut lives = Lives { in_dir: "/srv/app".into(), as_user: "somebody".into(), uid: 65533, gid: 65533 };
        merge_lives(&mut lives, &Lives { in_dir: String::new(), as_user: "app".into(), uid: 0, gid: 1000 });
        assert_eq!(lives, Lives { in_dir: "/srv/app".into(), as_user: "app".into(), uid: 65533, gid: 1000 });

        let mut runs = Runs { insecurely: Some(true), ..Runs::default() };
        runs.environment.insert("A".into(), "1".into());
        let mut later = Runs { insecurely: Some(false), ..Runs::default() };
        later.environment.insert("A".into(), "2".into());
        later.environment.insert("B".into(), "3".into());
        merge_runs(&mut runs, &later);
        assert_eq!(runs.insecurely, Some(false));
        assert_eq!(runs.environment.values().cloned().collect::<Vec<_>>(), vec!["2", "3"]);
    }

    #[test]
    fn present_lists_replace_even_when_empty() {
        let mut common = Common { entrypoint: Some(vec!["./run".into()]), ..Common::default() };
        common.node.requirements = Some(vec![local("package.json")]);
        let later = Common {
            entrypoint: Some(vec![]),
            node: Node { requirements: Some(vec![]), ..Node::default() },
            ..Common::default()
        };
        common.merge(&later);
        assert_eq!(common.entrypoint, Some(vec![]));
        assert_eq!(common.node.requirements, Some(vec![]));

        let mut kept = Common { entrypoint: Some(vec!["./run".into()]), ..Common::default() };
        kept.merge(&Common::default());
        assert_eq!(kept.entrypoint, Some(vec!["./run".into()]));
    }

    #[test]
    fn apt_packages_append_per_release() {
        let mut apt = Apt::default();
        apt.packages.insert("default".into(), vec!["pt".into()]);
        let mut later = Apt::default();
        later.packages.insert("default".into(), vec!["pt".into(), "pa".into()]);
        later.packages.insert("bookworm-backports".into(), vec!["git".into()]);
        merge_apt(&mut apt, &later);
        assert_eq!(apt.packages["default"], vec!["pt", "pt", "pa"]);
        assert_eq!(apt.packages["bookworm-backports"], vec!["git"]);
    }

    #[test]
    fn copies_drop_equal_earlier_entries_and_append() {
        let mut copies = vec![local("a"), local("b"), local(".")];
        merge_copies(&mut copies, &[local("a"), local("c")]);
        let sources: Vec<_> = copies.iter().map(|a| a.source.as_str()).collect();
        assert_eq!(sources, vec!["b", ".", "a", "c"]);
    }

    #[test]
    fn empty_base_does_not_clear_inherited_base() {
        let mut common = Common { base: Some(Spanned::new("debian".into(), Span::default())), ..Common::default() };
        common.merge(&Common { base: Some(Spanned::new(String::new(), Span::default())), ..Common::default() });
        common.merge(&Common::default());
        assert_eq!(common.base.map(|b| b.value), Some("debian".into()));
    }
}
