//! Deploying a manifest, and deploying it again: on SIGHUP, or with
//! `--watch` when the manifest or a component file changes. A new version
//! that does not load is refused with a log line, and the old one keeps
//! serving; requests in flight finish on the version they started with.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, bail};
use tracing::{error, info};
use wafer_host::auth::Gate;
use wafer_host::docs::{Docs, component_documents, merged_document};
use wafer_host::limits::instance_slots;
use wafer_host::manifest::Manifest;
use wafer_host::runtime::{Component, Runtime};
use wafer_host::server::{Deployment, Server};

/// How often `--watch` looks at the files.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Every component of the manifest loaded and checked.
pub(crate) fn components(runtime: &Runtime, manifest: &Manifest) -> anyhow::Result<Vec<Component>> {
    // One thread per component: reading, hashing and mapping (or compiling)
    // them side by side is what keeps a start with many components short.
    let loaded: Vec<_> = std::thread::scope(|scope| {
        let loading: Vec<_> = manifest
            .components
            .iter()
            .map(|spec| scope.spawn(|| Component::load(runtime, spec)))
            .collect();
        loading.into_iter().map(|thread| thread.join()).collect()
    });
    release_freed_memory();
    manifest
        .components
        .iter()
        .zip(loaded)
        .map(|(spec, component)| {
            let component = component
                .map_err(|_| anyhow::anyhow!("component {:?}: loading it panicked", spec.name))??;
            info!(component = spec.name, route = %spec.route, source = %spec.source.display(), "loaded");
            Ok(component)
        })
        .collect()
}

/// Gives the memory that compiling freed back to the system: glibc keeps it
/// (in each loading thread's arena) otherwise, and a host that compiled its
/// components at start would idle at several times the resident memory of
/// one that found them in the cache.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free memory of glibc's heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The deployment of loaded components: their documents merged into the
/// docs, and the security gate built from them.
pub(crate) async fn deployment(
    runtime: &Runtime,
    manifest: &Manifest,
    components: Vec<Component>,
) -> anyhow::Result<Deployment> {
    let documents = component_documents(runtime, manifest, &components).await?;
    let gate = Gate::new(
        &manifest.auth,
        &documents
            .iter()
            .map(|doc| (doc.name.as_str(), doc.document.as_ref()))
            .collect::<Vec<_>>(),
    )?;
    let docs = match manifest.docs.openapi {
        Some(_) => {
            let docs = Docs::new(&merged_document(manifest, &documents)?, &manifest.docs);
            info!(paths = ?docs.paths(), "API docs");
            Some(docs)
        }
        None => None,
    };
    Ok(Deployment::new(components, docs, gate))
}

/// Reloads `target` into `server` on each `hangup` (SIGHUP), and when
/// `watch` is set, when its files change. Runs until the process ends.
pub(crate) async fn reload_on_change(
    server: Arc<Server>,
    runtime: Runtime,
    mut hangup: tokio::signal::unix::Signal,
    target: PathBuf,
    watch: bool,
    capacity: Capacity,
) -> anyhow::Result<()> {
    let mut seen = stamps(&target);
    loop {
        tokio::select! {
            _ = hangup.recv() => info!("SIGHUP: reloading {}", target.display()),
            () = tokio::time::sleep(WATCH_INTERVAL), if watch => {
                let now = stamps(&target);
                if now == seen {
                    continue;
                }
                // Let a writer finish before reading.
                tokio::time::sleep(Duration::from_millis(200)).await;
                info!("{} or a component changed: reloading", target.display());
            }
        }
        seen = stamps(&target);
        match reload(&server, &runtime, &target, capacity).await {
            Ok(()) => info!("reloaded {}", target.display()),
            Err(problem) => {
                error!("reload refused, still serving the previous version: {problem:#}")
            }
        }
    }
}

/// What the host set aside at start, which a reload cannot grow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Capacity {
    /// The largest linear memory of an instance.
    pub(crate) max_memory: usize,
    /// `[server] concurrency` as started (a reload does not change it).
    pub(crate) server_concurrency: usize,
}

async fn reload(
    server: &Server,
    runtime: &Runtime,
    target: &Path,
    capacity: Capacity,
) -> anyhow::Result<()> {
    let manifest = crate::read_target(target)?;
    for component in &manifest.components {
        if component.limits.memory_bytes > capacity.max_memory {
            bail!(
                "component {:?}: memory_mb is above the {} MiB the host started with; restart to apply it",
                component.name,
                capacity.max_memory >> 20
            );
        }
    }
    let slots = instance_slots(capacity.server_concurrency, &manifest.components);
    if slots > runtime.instance_slots() {
        bail!(
            "[server] concurrency and the idle instances of instance_reuse need {slots} \
             instance slots, the host started with {}; restart to apply it",
            runtime.instance_slots()
        );
    }
    let loading = (runtime.clone(), manifest.clone());
    // Compiling is CPU work: keep it off the threads that serve requests.
    let loaded = tokio::task::spawn_blocking(move || components(&loading.0, &loading.1))
        .await
        .context("loading stopped")??;
    server.deploy(deployment(runtime, &manifest, loaded).await?);
    Ok(())
}

/// When the manifest and each component file were last changed.
fn stamps(target: &Path) -> Vec<Option<SystemTime>> {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let mut stamps = vec![modified(target)];
    if let Ok(manifest) = crate::read_target(target) {
        stamps.extend(manifest.components.iter().map(|c| modified(&c.source)));
    }
    stamps
}
