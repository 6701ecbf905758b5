//! Compiles every Blubber corpus variant 20 times: a fixed workload for profilers
//! (`valgrind --tool=callgrind target/release/examples/profile_corpus`).
use std::sync::Arc;

fn main() {
    let shared = std::env::var("GANTRY_SHARED_DIR").unwrap_or_else(|_| "../shared".into());
    let shared = std::path::PathBuf::from(shared);
    let index = std::fs::read_to_string(shared.join("corpus-expected/INDEX.tsv")).expect("shared corpus index");
    let mut bytes = 0;
    for _ in 0..20 {
        for line in index.lines().skip(1) {
            let columns: Vec<&str> = line.split('\t').collect();
            if columns[2] != "ok" {
                continue;
            }
            let text = std::fs::read_to_string(shared.join("corpus").join(columns[0])).expect("corpus file");
            let name: Arc<str> = columns[0].into();
            let file = gantry_spec::blubber::parse(&name, &text).expect("corpus file decodes");
            let dockerfile = gantry_image::compile(&file, columns[1], &gantry_image::CompileOptions::default());
            bytes += dockerfile.expect("variant compiles").to_string().len();
        }
    }
    println!("{bytes} bytes of Dockerfiles");
}
