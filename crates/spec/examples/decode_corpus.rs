//! Prints, for every Blubber file in the shared corpus, whether gantry decodes it.
use std::sync::Arc;
fn main() {
    let dir = std::env::args().nth(1).unwrap_or("../shared/corpus".into());
    let index = std::fs::read_to_string(format!("{dir}/../corpus-expected/INDEX.tsv")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if !seen.insert(cols[0].to_string()) { continue; }
        let text = std::fs::read_to_string(format!("{dir}/{}", cols[0])).unwrap();
        let name: Arc<str> = cols[0].into();
        match gantry_spec::blubber::parse(&name, &text) {
            Ok(f) => println!("OK   {} expected={} variants={}", cols[0], cols[2], f.variants.len()),
            Err(ds) => { println!("ERR  {} expected={}", cols[0], cols[2]); for d in ds { println!("     {}:{}: {} | {}", d.span.start.line, d.span.start.column, d.message, d.help); } }
        }
    }
}
