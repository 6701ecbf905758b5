//! The local store: round trips, verification of everything read, concurrent writers.

use std::sync::Arc;

use gantry_cache::{BlobRef, CacheEntry, InputKind, InputName, KeyInputs, LocalStore, Lookup};

fn entry(content: &str) -> CacheEntry {
    let mut inputs = KeyInputs::default();
    inputs.add_content(InputName::new(InputKind::Context, "app.py"), content.as_bytes(), false);
    let result = serde_json::json!({"status": "ok", "exit_code": 0});
    CacheEntry::new(inputs.key(), inputs, "service", "test", result)
}

fn entry_with_log(store: &LocalStore, content: &str, log: &str) -> CacheEntry {
    let mut entry = entry(content);
    let digest = store.put_blob(log.as_bytes()).unwrap();
    entry.blobs.push(BlobRef { name: "log".into(), digest, size: log.len() as u64 });
    entry
}

fn hit(store: &LocalStore, entry: &CacheEntry) -> CacheEntry {
    match store.get(&entry.key).unwrap() {
        Lookup::Hit(found) => *found,
        other => panic!("expected a hit, got {other:?}"),
    }
}

#[test]
fn an_entry_and_its_blobs_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let stored = entry_with_log(&store, "print(1)", "ok\n");
    assert_eq!(store.get(&stored.key).unwrap(), Lookup::Miss);
    store.put(&stored).unwrap();
    let found = hit(&store, &stored);
    assert_eq!(found, stored);
    assert_eq!(store.blob(&found.blob("log").unwrap().digest).unwrap().unwrap(), b"ok\n");
    let reopened = LocalStore::open(dir.path()).unwrap();
    assert_eq!(hit(&reopened, &stored), stored);
}

#[test]
fn a_corrupt_or_truncated_blob_is_never_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let stored = entry_with_log(&store, "print(1)", "a long enough log line\n");
    store.put(&stored).unwrap();
    let log = &stored.blob("log").unwrap().digest;
    let path = store.path().join("blobs/sha256").join(log.hex());
    std::fs::write(&path, "a long enough").unwrap();
    assert!(matches!(store.get(&stored.key).unwrap(), Lookup::Corrupt(_)));
    assert_eq!(store.get(&stored.key).unwrap(), Lookup::Miss, "the index entry was dropped");
    assert!(!path.exists(), "the corrupt blob was deleted");
}

#[test]
fn a_corrupt_entry_document_or_index_record_is_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let stored = entry("print(2)");
    let document = store.put(&stored).unwrap();
    let document_path = store.path().join("blobs/sha256").join(document.hex());
    let bytes = std::fs::read(&document_path).unwrap();
    std::fs::write(&document_path, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(store.get(&stored.key).unwrap(), Lookup::Corrupt(_)));

    store.put(&stored).unwrap();
    assert!(matches!(store.get(&stored.key).unwrap(), Lookup::Hit(_)));
    let index_path = store.path().join("keys").join(stored.key.digest().hex());
    std::fs::write(&index_path, b"{not json").unwrap();
    assert_eq!(store.get(&stored.key).unwrap(), Lookup::Miss);
}

#[test]
fn concurrent_writers_of_the_same_and_different_keys_leave_every_entry_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(LocalStore::open(dir.path()).unwrap());
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let _lock = store.lock_shared().unwrap();
                for round in 0..20 {
                    let shared = entry_with_log(&store, "shared", "same log\n");
                    store.put(&shared).unwrap();
                    let own = entry_with_log(&store, &format!("{writer}-{round}"), &format!("log {writer} {round}\n"));
                    store.put(&own).unwrap();
                    assert!(matches!(store.get(&shared.key).unwrap(), Lookup::Hit(_)));
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    for writer in 0..8 {
        for round in 0..20 {
            let own = entry_with_log(&store, &format!("{writer}-{round}"), &format!("log {writer} {round}\n"));
            assert_eq!(hit(&store, &own).inputs, own.inputs);
        }
    }
    let leftovers = std::fs::read_dir(store.path().join("tmp")).unwrap().count();
    assert_eq!(leftovers, 0, "no drafts left behind");
}

#[test]
fn the_last_result_of_a_stage_is_remembered_for_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    assert!(store.last_stage_record("repo", "service", "test").is_none());
    let first = entry("print(1)");
    store.record_stage("repo", "service", "test", &first).unwrap();
    let second = entry("print(2)");
    store.record_stage("repo", "service", "test", &second).unwrap();
    let record = store.last_stage_record("repo", "service", "test").unwrap();
    assert_eq!(record.key, second.key);
    assert_eq!(record.inputs.changes_since(&first.inputs).len(), 1);
}

#[test]
fn recording_the_result_a_stage_already_has_writes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let file = dir.path().join("v1/stages/repo/service/test.json");
    let first = entry("print(1)");
    store.record_stage("repo", "service", "test", &first).unwrap();
    let written = std::fs::metadata(&file).unwrap().ino();
    store.record_stage("repo", "service", "test", &first).unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().ino(), written, "the same record is not written again");
    store.record_stage("repo", "service", "test", &entry("print(2)")).unwrap();
    assert_ne!(std::fs::metadata(&file).unwrap().ino(), written, "a new result is");
}
