//! The on-disk cache of compiled components, so that a restart does not
//! compile again.
//!
//! An entry is the component as wasmtime serializes it, uncompressed, named
//! by the SHA-256 of the `.wasm` file and a hash of the engine's compilation
//! settings (wasmtime's version, target, features and tunables). A changed
//! component or changed engine settings therefore miss the cache and are
//! compiled anew. A host that uses an entry marks it used (its modification
//! time), and entries no host has used for [`UNUSED_FOR`] are deleted when a
//! host starts, so that old versions of components and of Wafer do not pile
//! up.
//! Entries are mapped into memory rather than read and decompressed, which
//! is what makes a warm start take milliseconds.
//!
//! The cache also keeps the snapshots of pre-initialized components
//! (`<sha256 of the component, its environment and this host's version>.snapshot.wasm`,
//! see [`snapshot`](super::snapshot)), pruned the same way.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use tracing::{debug, info, warn};
use wasmtime::Engine;
use wasmtime::component::Component;

/// How long an entry may go unused before a starting host deletes it.
pub const UNUSED_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// How old a half-written entry must be to be taken for the leftover of an
/// interrupted write rather than one in progress.
const ABANDONED_AFTER: Duration = Duration::from_secs(60 * 60);

/// A folder of compiled components.
#[derive(Debug, Clone)]
pub struct ArtifactCache {
    dir: PathBuf,
}

impl ArtifactCache {
    /// The cache in `dir`, created if missing.
    pub fn new(dir: &Path) -> anyhow::Result<ArtifactCache> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot use {} as the compilation cache", dir.display()))?;
        Ok(ArtifactCache {
            dir: dir.to_owned(),
        })
    }

    /// The component compiled from `wasm`: from the cache if it holds it,
    /// else compiled and then stored. A cache that cannot be read or written
    /// only costs a compilation, with a warning.
    pub fn component(&self, engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Component> {
        let entry = self.dir.join(entry_name(engine, wasm));
        if entry.exists() {
            // SAFETY: the file is one this cache wrote with
            // `Component::serialize` for an engine with the same settings
            // (its name says so); wasmtime checks the header and the settings
            // again and refuses a file that does not match.
            match unsafe { Component::deserialize_file(engine, &entry) } {
                Ok(component) => {
                    debug!(entry = %entry.display(), "compiled component from the cache");
                    mark_used(&entry);
                    return Ok(component);
                }
                Err(error) => warn!(
                    entry = %entry.display(),
                    "unusable cache entry, compiling again: {error:#}"
                ),
            }
        }
        let component = Component::new(engine, wasm)?;
        if let Err(error) = store(&entry, &component) {
            warn!(entry = %entry.display(), "cannot cache the compiled component: {error:#}");
        }
        Ok(component)
    }

    /// The snapshot cached for `key` (the parts it is made from), or else
    /// the one `make` makes, then stored. As with compiled code, a cache
    /// that cannot be written only costs making it again next time.
    pub fn snapshot(
        &self,
        key: &[&[u8]],
        make: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Vec<u8>> {
        let entry = self.dir.join(snapshot_name(key));
        if let Ok(bytes) = std::fs::read(&entry) {
            debug!(entry = %entry.display(), "pre-initialized component from the cache");
            mark_used(&entry);
            return Ok(bytes);
        }
        let bytes = make()?;
        if let Err(error) = write_whole(&entry, &bytes) {
            warn!(entry = %entry.display(), "cannot cache the snapshot: {error:#}");
        }
        Ok(bytes)
    }

    /// Deletes the entries no host has used for [`UNUSED_FOR`], and what
    /// interrupted writes left; returns how many files went. Other files are
    /// left alone, and a file that cannot be deleted only costs a warning.
    pub fn prune(&self) -> usize {
        let Ok(files) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let now = SystemTime::now();
        let mut deleted = 0;
        for file in files.flatten() {
            let path = file.path();
            let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
                continue;
            };
            let too_old = if name.ends_with(".partial") {
                ABANDONED_AFTER
            } else if name.ends_with(".cwasm") || name.ends_with(".snapshot.wasm") {
                UNUSED_FOR
            } else {
                continue;
            };
            let unused_for = file
                .metadata()
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok());
            if unused_for.is_none_or(|unused_for| unused_for < too_old) {
                continue;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => deleted += 1,
                Err(error) => {
                    warn!(entry = %path.display(), "cannot delete an unused cache entry: {error}")
                }
            }
        }
        if deleted > 0 {
            info!(cache = %self.dir.display(), deleted, "deleted old cache entries");
        }
        deleted
    }
}

/// Records that `entry` was used, for [`ArtifactCache::prune`]; a cache this
/// host cannot write to is only never pruned.
fn mark_used(entry: &Path) {
    let marked = std::fs::File::options()
        .write(true)
        .open(entry)
        .and_then(|file| file.set_modified(SystemTime::now()));
    if let Err(error) = marked {
        debug!(entry = %entry.display(), "cannot mark the cache entry used: {error}");
    }
}

/// `<sha256 of the wasm>-<engine settings hash>.cwasm`.
fn entry_name(engine: &Engine, wasm: &[u8]) -> String {
    let digest = Sha256::digest(wasm);
    let mut settings = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut settings);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{hex}-{:016x}.cwasm", settings.finish())
}

/// `<sha256 of the parts and this host's version>.snapshot.wasm`: a host of
/// another version snapshots anew.
fn snapshot_name(key: &[&[u8]]) -> String {
    let mut digest = Sha256::new();
    digest.update(env!("CARGO_PKG_VERSION"));
    for part in key {
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part);
    }
    let hex: String = digest
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{hex}.snapshot.wasm")
}

fn store(entry: &Path, component: &Component) -> anyhow::Result<()> {
    let bytes = component.serialize().map_err(anyhow::Error::from)?;
    write_whole(entry, &bytes)
}

/// Writes the entry whole or not at all: to a temporary file, then renamed,
/// so that concurrent hosts and crashes never leave half an entry.
fn write_whole(entry: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let partial = entry.with_extension(format!("{}.partial", std::process::id()));
    let written = std::fs::File::create(&partial)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| std::fs::rename(&partial, entry));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    Ok(written?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_differ_by_component_and_by_engine_settings() {
        let plain = Engine::default();
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let interruptible = Engine::new(&config).expect("engine");
        let a = entry_name(&plain, b"component a");
        assert_eq!(a, entry_name(&plain, b"component a"));
        assert_ne!(a, entry_name(&plain, b"component b"));
        assert_ne!(a, entry_name(&interruptible, b"component a"));
        assert!(a.ends_with(".cwasm"));
        let snapshot = snapshot_name(&[b"component", b"A=1"]);
        assert_ne!(snapshot, snapshot_name(&[b"component", b"A=2"]));
        assert_ne!(snapshot, snapshot_name(&[b"componentA", b"=1"]));
        assert!(snapshot.ends_with(".snapshot.wasm"));
    }

    #[test]
    fn pruning_deletes_only_long_unused_entries_and_abandoned_writes() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let cache = ArtifactCache::new(dir.path()).expect("cache");
        let file = |name: &str, age: Duration| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"x").expect("write");
            let file = std::fs::File::options()
                .write(true)
                .open(&path)
                .expect("open");
            file.set_modified(SystemTime::now() - age)
                .expect("set mtime");
            path
        };
        let day = Duration::from_secs(24 * 60 * 60);
        let unused = file("a-1.cwasm", UNUSED_FOR + day);
        let recent = file("b-1.cwasm", UNUSED_FOR - day);
        let abandoned = file("c-1.1234.partial", 2 * ABANDONED_AFTER);
        let writing = file("d-1.1234.partial", Duration::ZERO);
        let foreign = file("notes.txt", 10 * UNUSED_FOR);

        assert_eq!(cache.prune(), 2);
        assert!(!unused.exists() && !abandoned.exists());
        assert!(recent.exists() && writing.exists() && foreign.exists());

        mark_used(&recent);
        let age = SystemTime::now()
            .duration_since(
                std::fs::metadata(&recent)
                    .and_then(|m| m.modified())
                    .expect("mtime"),
            )
            .unwrap_or_default();
        assert!(age < day, "marking an entry used renews it");
    }
}
