//! Keys computed from a repository on disk: which files, images and settings count.

mod common;

use common::*;
use gantry_cache::{Digest, InputKind};
use proptest::prelude::*;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_repo(dir.path(), FILES);
    dir
}

fn context_inputs(dir: &std::path::Path, stage: &str) -> Vec<String> {
    let keys = keys(dir, &images(), &no_environment);
    let key = keys.get(stage).unwrap().as_ref().unwrap();
    key.inputs.iter().filter(|(n, _)| n.kind == InputKind::Context).map(|(n, _)| n.detail.clone()).collect()
}

#[test]
fn a_build_reads_only_the_files_its_variant_copies_minus_dockerignore() {
    let dir = fixture();
    assert_eq!(context_inputs(dir.path(), "candidate"), [".dockerignore", "app.py", "requirements.txt"]);
    assert_eq!(
        context_inputs(dir.path(), "test"),
        [".dockerignore", ".pipeline", ".pipeline/blubber.yaml", ".pipeline/config.yaml", "app.py", "docs", "requirements.txt", "test_app.py"]
    );
}

#[test]
fn every_stage_is_keyed_and_downstream_keys_follow_upstream_ones() {
    let dir = fixture();
    let before = key_texts(&keys(dir.path(), &images(), &no_environment));
    assert!(before.values().all(|k| k.starts_with("blake3:")), "{before:?}");
    write(dir.path(), "app.py", b"print('changed')\n");
    let after = key_texts(&keys(dir.path(), &images(), &no_environment));
    for stage in ["test", "candidate", "smoke"] {
        // smoke runs candidate's image: it follows candidate's key.
        assert_ne!(before[stage], after[stage], "{stage}");
    }
}

#[test]
fn files_the_stage_does_not_read_do_not_change_keys() {
    let dir = fixture();
    let before = key_texts(&keys(dir.path(), &images(), &no_environment));
    write(dir.path(), "docs/notes.md", b"other notes\n");
    write(dir.path(), "build/output.bin", b"other output\n");
    write(dir.path(), "test_app.py", b"import app  # changed\n");
    let after = key_texts(&keys(dir.path(), &images(), &no_environment));
    assert_eq!(before["candidate"], after["candidate"]);
    assert_eq!(before["smoke"], after["smoke"]);
    assert_ne!(before["test"], after["test"], "test copies the whole context");
}

#[test]
fn base_images_environment_and_step_settings_count() {
    let dir = fixture();
    let base = key_texts(&keys(dir.path(), &images(), &no_environment));
    let mut other_image = images();
    other_image.insert("debian:bookworm".into(), Digest::sha256(b"a newer bookworm"));
    let rebased = key_texts(&keys(dir.path(), &other_image, &no_environment));
    assert!(base.keys().all(|stage| base[stage] != rebased[stage]));

    let greeting = |name: &str| (name == "GREETING").then(|| "hi".to_owned());
    let with_env = key_texts(&keys(dir.path(), &images(), &greeting));
    assert_ne!(base["test"], with_env["test"]);
    assert_eq!(base["candidate"], with_env["candidate"]);

    let config = CONFIG.replace("DEBUG: '0'", "DEBUG: '1'");
    write(dir.path(), ".pipeline/config.yaml", config.as_bytes());
    let changed = keys(dir.path(), &images(), &no_environment);
    write_repo(dir.path(), FILES);
    let reverted = keys(dir.path(), &images(), &no_environment);
    let test = |k: &gantry_cache::PipelineKeys| k.get("test").unwrap().clone().unwrap();
    let lines: Vec<String> = test(&changed).inputs.changes_since(&test(&reverted).inputs).iter().map(ToString::to_string).collect();
    assert!(lines.contains(&"step setting run.env.DEBUG changed: \"0\" → \"1\"".to_owned()), "{lines:?}");
}

#[test]
fn a_missing_base_image_leaves_the_stage_without_a_key() {
    let dir = fixture();
    let keys = keys(dir.path(), &Default::default(), &no_environment);
    let error = keys.get("candidate").unwrap().as_ref().unwrap_err();
    assert!(error.contains("debian:bookworm"), "{error}");
    assert!(keys.get("smoke").unwrap().is_err(), "downstream of an unkeyed stage");
}

/// The files of the fixture the `candidate` stage reads, and some it does not.
const USED: &[&str] = &["app.py", "requirements.txt", ".dockerignore"];
const UNUSED: &[&str] = &["test_app.py", "docs/notes.md", "build/output.bin"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn changing_any_byte_of_a_used_file_changes_the_key(
        file in proptest::sample::select(USED),
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let dir = fixture();
        let before = key_texts(&keys(dir.path(), &images(), &no_environment));
        let mut bytes = std::fs::read(dir.path().join(file)).unwrap();
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        write(dir.path(), file, &bytes);
        let after = key_texts(&keys(dir.path(), &images(), &no_environment));
        prop_assert_ne!(&before["candidate"], &after["candidate"]);
    }

    #[test]
    fn changing_a_file_the_stage_does_not_use_keeps_the_key(
        file in proptest::sample::select(UNUSED),
        contents in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let dir = fixture();
        let before = key_texts(&keys(dir.path(), &images(), &no_environment));
        write(dir.path(), file, &contents);
        let after = key_texts(&keys(dir.path(), &images(), &no_environment));
        prop_assert_eq!(&before["candidate"], &after["candidate"]);
    }
}
