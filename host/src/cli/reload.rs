//! Deploying a manifest again: on SIGHUP, or with `--watch` when the
//! manifest, the variables file or a component file changes. A new version
//! that does not load is refused with a log line, and the old one keeps
//! serving; requests in flight finish on the version they started with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::bail;
use tracing::{error, info, warn};
use wafer_host::deployment::{Deployment, OnLoaded};
use wafer_host::manifest::{Manifest, VariablesFile};
use wafer_host::runtime::Runtime;
use wafer_host::server::Server;
use wafer_host::tls::Certificates;

/// What a host serves, read again at each reload: the manifest (or one
/// `.wasm` file) and the variables file, if any.
pub(crate) struct Sources {
    /// A wafer.toml manifest, or one component's .wasm file.
    pub(crate) target: PathBuf,
    /// `--variables-file`.
    pub(crate) variables: Option<PathBuf>,
}

impl Sources {
    /// The manifest.
    pub(crate) fn manifest(&self) -> anyhow::Result<Manifest> {
        crate::read_target(&self.target)
    }

    /// The variables file, if there is one; a warning if others may read it
    /// and it gives a secret.
    pub(crate) fn variables(&self, manifest: &Manifest) -> anyhow::Result<Option<VariablesFile>> {
        let Some(path) = &self.variables else {
            return Ok(None);
        };
        let file = VariablesFile::read(path).map_err(anyhow::Error::msg)?;
        let secret = manifest.variables.values().any(|variable| variable.secret);
        if secret && file.readable_by_others() {
            warn!(
                "{} may hold secrets and other users can read it: chmod 600 it",
                path.display()
            );
        }
        Ok(Some(file))
    }

    /// A deployment of the manifest, with the variables file's values;
    /// `on_loaded` is told as each component is ready.
    pub(crate) async fn deploy(
        &self,
        runtime: &Runtime,
        manifest: &Manifest,
        on_loaded: Option<OnLoaded>,
    ) -> anyhow::Result<Deployment> {
        let variables = self.variables(manifest)?;
        Deployment::load(runtime, manifest, variables.as_ref(), on_loaded).await
    }

    /// When the files were last changed: the manifest, the variables file
    /// and each component file.
    fn stamps(&self) -> Vec<Option<SystemTime>> {
        let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let mut stamps = vec![modified(&self.target)];
        stamps.extend(self.variables.as_deref().map(modified));
        if let Ok(manifest) = self.manifest() {
            stamps.extend(manifest.components.iter().map(|c| modified(&c.source)));
        }
        stamps
    }
}

/// How often `--watch` looks at the files.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Reloads `sources` into `server` on each `hangup` (SIGHUP), and when
/// `watch` is set, when its files change. Runs until the process ends.
pub(crate) async fn reload_on_change(
    server: Arc<Server>,
    runtime: Runtime,
    certificates: Option<Arc<Certificates>>,
    mut hangup: tokio::signal::unix::Signal,
    sources: Sources,
    watch: bool,
) -> anyhow::Result<()> {
    let target = sources.target.display();
    let mut seen = sources.stamps();
    loop {
        tokio::select! {
            _ = hangup.recv() => info!("SIGHUP: reloading {target}"),
            () = tokio::time::sleep(WATCH_INTERVAL), if watch => {
                let now = sources.stamps();
                if now == seen {
                    continue;
                }
                // Let a writer finish before reading.
                tokio::time::sleep(Duration::from_millis(200)).await;
                info!("{target} or a file it names changed: reloading");
            }
        }
        seen = sources.stamps();
        match reload(
            &server,
            &runtime,
            certificates.as_deref(),
            &sources,
            &BTreeMap::new(),
        )
        .await
        {
            Ok(()) => info!("reloaded {target}"),
            Err(problem) => {
                error!("reload refused, still serving the previous version: {problem:#}")
            }
        }
    }
}

/// Loads the manifest of `sources` and serves it, and its certificate, if
/// both load and it fits what the host reserved at start, its components
/// whose latest build failed marked so (`wafer dev`). Connections keep the
/// certificate they were made with.
pub(crate) async fn reload(
    server: &Server,
    runtime: &Runtime,
    certificates: Option<&Certificates>,
    sources: &Sources,
    build_failures: &BTreeMap<String, String>,
) -> anyhow::Result<()> {
    let manifest = sources.manifest()?;
    runtime.check_room(&manifest.components, server.limits().concurrency)?;
    let certificate = match (certificates, &manifest.tls) {
        (Some(_), Some(settings)) => Some(Certificates::read(settings)?),
        (None, None) => None,
        _ => bail!("server.tls: HTTPS cannot be turned on or off by a reload; restart to apply it"),
    };
    let mut deployment = sources.deploy(runtime, &manifest, None).await?;
    deployment.mark_build_failures(build_failures);
    if let (Some(certificates), Some(certificate)) = (certificates, certificate) {
        certificates.replace(certificate);
    }
    server.deploy(deployment);
    Ok(())
}
