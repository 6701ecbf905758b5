//! Sharing through the real local registry (scripts/setup-registry.sh): an entry pushed from
//! one cache directory is reused by a second, clean one.
//!
//! When the registry cannot be reached these tests FAIL if `CI=true` or
//! `GANTRY_REQUIRE_ENGINE=1` (the rule of crates/backend-docker/tests/common/mod.rs), and
//! otherwise print one `SKIP` line and pass.

use gantry_cache::{BlobRef, CacheEntry, InputKind, InputName, KeyInputs, LocalStore, Lookup, RegistryCache};

fn registry_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var("GANTRY_REQUIRE_ENGINE").is_ok_and(|v| v == "1")
}

/// A cache in a repository of its own on the local registry, or `None` to skip.
fn registry() -> Option<RegistryCache> {
    let origin = std::env::var("GANTRY_TEST_REGISTRY").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let reachable = std::net::TcpStream::connect_timeout(
        &origin.parse().expect("GANTRY_TEST_REGISTRY is HOST:PORT"),
        std::time::Duration::from_secs(2),
    );
    if let Err(error) = reachable {
        let what = format!("no registry at {origin}: {error}; run scripts/setup-registry.sh");
        assert!(!registry_required(), "{what} (CI=true or GANTRY_REQUIRE_ENGINE=1 requires it)");
        eprintln!("SKIP: {what}");
        return None;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    Some(RegistryCache::new(&format!("http://{origin}/gantry-test/cache-{}-{nanos}", std::process::id())).unwrap())
}

fn stored_entry(store: &LocalStore, source: &str) -> CacheEntry {
    let mut inputs = KeyInputs::default();
    inputs.add_content(InputName::new(InputKind::Context, "app.py"), source.as_bytes(), false);
    let result = serde_json::json!({"status": "ok", "output": {"exit_code": 0, "exports": {"imageID": "sha256:abc"}}});
    let mut entry = CacheEntry::new(inputs.key(), inputs, "service", "test", result);
    for (name, content) in [("log", "Ran 3 tests\nOK\n"), ("junit/report.xml", "<testsuite tests=\"3\"/>")] {
        let digest = store.put_blob(content.as_bytes()).unwrap();
        entry.blobs.push(BlobRef { name: name.into(), digest, size: content.len() as u64 });
    }
    store.put(&entry).unwrap();
    entry
}

#[test]
fn a_second_clean_cache_directory_reuses_an_entry_pushed_by_the_first() {
    let Some(registry) = registry() else { return };
    let (laptop, ci) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = LocalStore::open(laptop.path()).unwrap();
    let entry = stored_entry(&first, "print('hello')\n");
    registry.push(&first, &entry.key).unwrap();
    registry.push(&first, &entry.key).unwrap(); // pushing again is harmless

    let second = LocalStore::open(ci.path()).unwrap();
    assert_eq!(second.get(&entry.key).unwrap(), Lookup::Miss);
    let pulled = registry.pull(&second, &entry.key).unwrap().expect("the registry has the entry");
    assert_eq!(pulled, entry);
    let Lookup::Hit(local) = second.get(&entry.key).unwrap() else { panic!("the pulled entry is in the second store") };
    let log = second.blob(&local.blob("log").unwrap().digest).unwrap().unwrap();
    assert_eq!(log, b"Ran 3 tests\nOK\n");
}

#[test]
fn an_unknown_key_is_a_miss_not_an_error() {
    let Some(registry) = registry() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    let other = stored_entry(&store, "something else\n");
    let missing = LocalStore::open(tempfile::tempdir().unwrap().path()).unwrap();
    assert_eq!(registry.pull(&missing, &other.key).unwrap(), None);
}
