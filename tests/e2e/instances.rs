//! Where a request's instance comes from: fresh per request by default,
//! reused only where the manifest says so, and compiled code cached on disk
//! across restarts.

use std::path::{Path, PathBuf};

use crate::support::{Server, wasm};

/// A manifest serving `faulty` with these extra lines.
fn faulty_manifest(dir: &Path, extra: &str) -> PathBuf {
    let manifest = dir.join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"faulty\"\nroute = \"/faulty/...\"\nsource = {:?}\n{extra}\n",
            wasm("faulty")
        ),
    )
    .expect("write manifest");
    manifest
}

/// A host serving `faulty` with these extra manifest lines.
fn faulty(dir: &Path, extra: &str, cache: &Path) -> Server {
    let manifest = faulty_manifest(dir, extra);
    Server::wafer(&[
        manifest.to_str().expect("UTF-8 path"),
        "--cache-dir",
        cache.to_str().expect("UTF-8 path"),
    ])
}

fn counts(server: &Server, n: usize) -> Vec<String> {
    (0..n).map(|_| server.get("/faulty/count").body).collect()
}

#[test]
fn every_request_gets_a_fresh_instance_by_default() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = faulty(dir.path(), "", &dir.path().join("cache"));
    // A global the guest counts requests in starts from zero every time.
    assert_eq!(counts(&server, 4), ["1", "1", "1", "1"]);
}

#[test]
fn reused_instances_serve_their_share_and_a_trap_ends_one() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = faulty(dir.path(), "instance_reuse = 3", &dir.path().join("cache"));
    // One request at a time: one instance serves three, then a new one.
    assert_eq!(counts(&server, 5), ["1", "2", "3", "1", "2"]);
    // A trap throws the instance away, with whatever it had in memory.
    assert_eq!(server.get("/faulty/trap").status, 500);
    assert_eq!(counts(&server, 2), ["1", "2"]);
    // So does running out of CPU; the next request's budget is its own.
    assert_eq!(server.get("/faulty/loop").status, 504);
    assert_eq!(counts(&server, 1), ["1"]);
}

#[test]
fn instance_reuse_must_be_at_least_one() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = faulty_manifest(dir.path(), "instance_reuse = 0");
    let (status, stderr) =
        crate::support::run_to_exit(&["serve", manifest.to_str().expect("UTF-8 path")]);
    assert_eq!(status.code(), Some(1));
    assert!(
        stderr.contains("component[0].instance_reuse")
            && stderr.contains("must be at least 1 (1 is a fresh instance per request)"),
        "{stderr}"
    );
}

/// The entries in the cache folder.
fn cached(cache: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(cache)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn compiled_components_are_cached_across_restarts_and_recompiled_when_changed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cache = dir.path().join("cache");
    let first = faulty(dir.path(), "", &cache);
    assert_eq!(first.get("/faulty/ok").body, "ok");
    drop(first);
    let after_first = cached(&cache);
    assert!(
        !after_first.is_empty(),
        "nothing cached in {}",
        cache.display()
    );

    // A restart compiles nothing: the same entries, no new ones.
    let second = faulty(dir.path(), "", &cache);
    assert_eq!(second.get("/faulty/ok").body, "ok");
    drop(second);
    assert_eq!(cached(&cache), after_first);

    // A changed component (here: one more custom section) is compiled anew,
    // next to the old entry.
    let changed = dir.path().join("changed.wasm");
    let mut bytes = std::fs::read(wasm("faulty")).expect("read faulty.wasm");
    bytes.extend_from_slice(b"\x00\x07\x05wafer!");
    std::fs::write(&changed, bytes).expect("write changed.wasm");
    let manifest = dir.path().join("changed.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"faulty\"\nroute = \"/faulty/...\"\nsource = {changed:?}\n"
        ),
    )
    .expect("write manifest");
    let third = Server::wafer(&[
        manifest.to_str().expect("UTF-8 path"),
        "--cache-dir",
        cache.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(third.get("/faulty/ok").body, "ok");
    drop(third);
    let after_change = cached(&cache);
    assert!(
        after_change.len() == after_first.len() + 1
            && after_first.iter().all(|entry| after_change.contains(entry)),
        "no new entry for the changed component: {after_first:?} then {after_change:?}"
    );
}
