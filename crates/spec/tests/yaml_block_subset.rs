//! The fast block-subset reader either declines or builds exactly the tree (values, styles
//! and spans) that the saphyr path builds: for every YAML file of the shared corpus, and for
//! those files cut short at every line, with each line left out, indented one space deeper,
//! followed by a comment, with every value replaced by awkward ones, and without the final
//! line break.

use std::path::{Path, PathBuf};

use gantry_spec::yaml::{Node, Value, block_subset, parse_with_saphyr};

fn shared_dir() -> PathBuf {
    std::env::var_os("GANTRY_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Every YAML file of the corpus (Blubber files and pipeline configs), with its name.
fn corpus() -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for repo in std::fs::read_dir(shared_dir().join("corpus")).expect("the shared corpus is beside the repository").flatten() {
        for file in std::fs::read_dir(repo.path()).into_iter().flatten().flatten() {
            if file.file_name().to_string_lossy().ends_with(".yaml") {
                paths.push(file.path());
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect()
}

fn mutants(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut mutants = vec![
        text.trim_end_matches('\n').to_string(),
        format!("{text}# end"),
        format!("{text}  "),
        format!("{text}\n\n"),
        format!("---\n{text}"),
        format!("# start\n---\n{text}"),
        format!("--- \n{text}"),
        format!("---\n{text}---\n"),
        text.replace("- >-", "- |-"),
        text.replace("- >-", "- >"),
        text.replace("- >-", "- |"),
        text.replace(": ", ": >-\n          "),
    ];
    for at in 0..lines.len() {
        let edited = |edit: &dyn Fn(&str) -> String| -> String {
            lines.iter().enumerate().map(|(i, l)| if i == at { edit(l) } else { l.to_string() }).collect::<Vec<_>>().join("\n")
        };
        mutants.push(lines[..at].join("\n"));
        mutants.push(format!("{}\n", lines[..at].join("\n")));
        mutants.push(lines.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, l)| *l).collect::<Vec<_>>().join("\n"));
        mutants.push(edited(&|l| format!(" {l}")));
        mutants.push(edited(&|l| format!("{l} # note")));
        mutants.push(edited(&|l| l.replacen(": ", ":", 1)));
        mutants.push(edited(&|l| l.replacen("- ", "-  ", 1)));
    }
    for awkward in [
        "", "~", "[]", "{}", "[a, b]", "[a,b ,c]", "{a: b}", "%s %d 100%", "\"a\\nb\"", "'it''s'", "\"\\u00e9\"", "a: b",
        "a:b", "a #b", "a#b", "- a", "&x a", "*x", "!tag a", "|", ">-", "[a, [b]]", "[a,]", "{a: }", "\"unclosed",
        "x]", "-x", "?x", ":x", "é", "a\tb", "<<",
    ] {
        let replaced: Vec<String> = lines
            .iter()
            .map(|line| match line.split_once(": ") {
                Some((key, _)) if !line.trim_start().starts_with('#') => format!("{key}: {awkward}"),
                _ => match line.split_once("- ") {
                    Some((indent, _)) if indent.trim().is_empty() => format!("{indent}- {awkward}"),
                    _ => line.to_string(),
                },
            })
            .collect();
        mutants.push(replaced.join("\n"));
    }
    mutants
}

fn assert_same_or_declined(name: &str, text: &str) -> bool {
    match block_subset::parse(text) {
        None => false,
        Some(fast) => {
            let full = parse_with_saphyr(text);
            match full {
                Ok(full) => {
                    if let Some(difference) = first_difference(&fast, &full, "root") {
                        panic!("{name}: the fast reader differs from saphyr at {difference} on:\n{text}");
                    }
                }
                Err(e) => panic!("{name}: the fast reader read what saphyr rejects ({e:?}):\n{text}"),
            }
            true
        }
    }
}

/// Where two trees first differ, with both sides, or `None` if they are equal.
fn first_difference(fast: &Node, full: &Node, path: &str) -> Option<String> {
    if fast.span != full.span {
        return Some(format!("{path}: span {:?} (fast) vs {:?} (saphyr)", fast.span, full.span));
    }
    match (&fast.value, &full.value) {
        (Value::Map(a), Value::Map(b)) if a.len() == b.len() => a.iter().zip(b).enumerate().find_map(|(i, ((ka, va), (kb, vb)))| {
            first_difference(ka, kb, &format!("{path}.key{i}"))
                .or_else(|| first_difference(va, vb, &format!("{path}.{}", ka.scalar_text().unwrap_or("?"))))
        }),
        (Value::Seq(a), Value::Seq(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: {a:?} (fast) vs {b:?} (saphyr)")),
    }
}

#[test]
fn corpus_files_and_their_mutants_read_the_same_or_are_declined() {
    let corpus = corpus();
    assert!(corpus.len() > 100, "expected the shared corpus, found {} files", corpus.len());
    let mut accepted = 0;
    for (name, text) in &corpus {
        if assert_same_or_declined(name, text) {
            accepted += 1;
        }
        for mutant in mutants(text) {
            assert_same_or_declined(name, &mutant);
        }
    }
    // The fast reader is only worth having if it reads most real files.
    assert!(accepted * 10 >= corpus.len() * 8, "the fast reader read only {accepted} of {} corpus files", corpus.len());
}

#[test]
fn small_documents_read_the_same_or_are_declined() {
    for text in [
        "a: b", "a: b\n", "a:\n  b: c", "a:\n  b:\n    c: d", "a:\n  b:\n    c:", "a:\n- x\n- y", "a:\n- x\nb: y\n",
        "a:\n  - x\n  -  y\n", "a:\n  - b: c\n    d: e\n  - f\n", "a:\n  - b:\n    - c\n", "a:\n- b:\n  c: d", "a: [x, 'y', \"z\"]\n",
        "a: {x: 1, 'y': 2, \"z\": 3}", "a: []\nb: {}\nc: [ ]\n", "a: b # c\n# d\n\n", "a: b\na: c\n", "\"a\": b\n'c': d\n",
        "a: http://x:80/y\n", "a: b:c\n", "a: -1\nb: ?x\nc: :x\n", "a:\n  b: c\n #\n", "a:\n    - x\n  b: y\n", "a: 'x''y'",
        "a:\n  b: c\n    d: e\n", "a:\n  - x\n   - y\n", "a: b\n  c\n", "a: b # c\n  d\n", "# only\n", "", "a:", "a:\n", "a:\n  ",
        "a:\n  b:\n    - c\n  #", "a:\n  b:\n    c: d\n#", "a:\n  b:\n    - c\n    #x", "k: [a, --, b]", "k: [-, a]", "k: [a, -b]",
        "a: ['x' , \"y\" ]  # c", "a: {b: [c, d] , e: {f: g}}  # é", "a: [a]#c", "a: 'x'#c", "a: [a] b", "a: 'x' # c\n",
        "a: {b: c}\n  d: e", "a: [b,\n  c]", "a: \"x\\ty\"", "a: \"x\\qy\"", "a: {'b': c, \"d\": e}", "a: {b : c}",
        "a: {b: c, b: d}", "a: {<<: {b: c}}", "- a\n- b", "a: b\n- c", "a:\n\t- b", "a: [b]\n# x\n  # y\nc: d", "a: x # é\nb: y",
        "a: >-\n  x\n  y\n\n  z\n", "a: |-\n  x\n  y\n\n  z\n", "a: >\n  x\n\n\nb: c", "a: |\n  x\n   y\n", "a:\n  - >-\n    x\n    y\n  - b",
        "a: >-\n  x\n  y", "a: |\n  x\n  y", "a: >-\n\n  x\n", "a: >-\n  x\n  \n  y\n", "a: >-\n  x\n # c\n  y\n", "a: >-\n  x\n # c\nb: c\n",
        "a: >-\nb: c", "a: >-\n", "a: >-", "a: >+\n  x\n", "a: >2\n  x\n", "a: > # c\n  x\n", "a: |-\n  # x\n  y\n", "a: >-\n  é\n",
        "- a: >-\n    x\n  b: c\n", "a:\n- >-\n  x\n- y\n", "a:\n- >-\n x\n",
    ] {
        assert_same_or_declined("inline", text);
    }
}

/// Documents put together at random from the pieces Blubber files are made of, mostly
/// nested the usual way, sometimes oddly: the reader may decline any of them, but must not
/// read one differently.
#[test]
fn random_documents_read_the_same_or_are_declined() {
    const USUAL: &[&str] = &[
        "a:", "b: c", "- d", "- e: f", "- >-", "- |", "g: >-", "h: |-", "i: [j, 'k', \"l\"]", "m: {n: o, p: [q]}", "r: s # t",
        "# u", "", "v: 'w''x'", "y: \"z\\n\"", "- [ii, jj]", "kk: ~", "text with spaces", "cd: ef gh", "ij: {}", "kl: []",
        "mn: { op: { qr: st } }", "a:", "b:", "- c:", "x: 1", "y: yes",
    ];
    const ODD: &[&str] = &[
        "-", "  ", "aa: bb: cc", "dd", "ee:ff", "gg: hh  ", "ll: ]", "mm: [nn,", "oo: -", "pp: 'qq", "rr: &ss tt", "uu: *ss",
        "<<: {vv: ww}", "xx: yy #", "? zz", ": ab", "---", "...", "- - a", "b: c d: e", "f: >+", "- \"g\" h",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let mut accepted = 0;
    for _ in 0..50_000 {
        let mut text = String::new();
        let mut indent = 0;
        for _ in 0..1 + next(10) {
            indent = match next(8) {
                0..=3 => indent,
                4 | 5 => indent + 2,
                6 => next(indent / 2 + 1) * 2,
                _ => indent + 1,
            };
            let piece = if next(10) == 0 { ODD[next(ODD.len())] } else { USUAL[next(USUAL.len())] };
            text.push_str(&" ".repeat(indent));
            text.push_str(piece);
            text.push('\n');
        }
        if next(4) == 0 {
            text.pop();
        }
        if assert_same_or_declined("random", &text) {
            accepted += 1;
        }
    }
    assert!(accepted > 2_000, "only {accepted} random documents were read: the test no longer exercises the reader");
}
