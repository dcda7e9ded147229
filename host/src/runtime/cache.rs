//! The on-disk cache of compiled components, so that a restart does not
//! compile again.
//!
//! An entry is the component as wasmtime serializes it, uncompressed, named
//! by the SHA-256 of the `.wasm` file and a hash of the engine's compilation
//! settings (wasmtime's version, target, features and tunables). A changed
//! component or changed engine settings therefore miss the cache and are
//! compiled anew; stale entries are left for the operator to delete.
//! Entries are mapped into memory rather than read and decompressed, which
//! is what makes a warm start take milliseconds.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use tracing::{debug, warn};
use wasmtime::Engine;
use wasmtime::component::Component;

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
}

/// `<sha256 of the wasm>-<engine settings hash>.cwasm`.
fn entry_name(engine: &Engine, wasm: &[u8]) -> String {
    let digest = Sha256::digest(wasm);
    let mut settings = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut settings);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{hex}-{:016x}.cwasm", settings.finish())
}

/// Writes the entry whole or not at all: to a temporary file, then renamed,
/// so that concurrent hosts and crashes never leave half an entry.
fn store(entry: &Path, component: &Component) -> anyhow::Result<()> {
    let bytes = component.serialize().map_err(anyhow::Error::from)?;
    let partial = entry.with_extension(format!("{}.partial", std::process::id()));
    let written = std::fs::File::create(&partial)
        .and_then(|mut file| file.write_all(&bytes))
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
    }
}
