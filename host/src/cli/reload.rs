//! Deploying a manifest again: on SIGHUP, or with `--watch` when the
//! manifest or a component file changes. A new version
//! that does not load is refused with a log line, and the old one keeps
//! serving; requests in flight finish on the version they started with.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::bail;
use tracing::{error, info};
use wafer_host::deployment::Deployment;
use wafer_host::runtime::Runtime;
use wafer_host::server::Server;
use wafer_host::tls::Certificates;

/// How often `--watch` looks at the files.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Reloads `target` into `server` on each `hangup` (SIGHUP), and when
/// `watch` is set, when its files change. Runs until the process ends.
pub(crate) async fn reload_on_change(
    server: Arc<Server>,
    runtime: Runtime,
    certificates: Option<Arc<Certificates>>,
    mut hangup: tokio::signal::unix::Signal,
    target: PathBuf,
    watch: bool,
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
        match reload(&server, &runtime, certificates.as_deref(), &target).await {
            Ok(()) => info!("reloaded {}", target.display()),
            Err(problem) => {
                error!("reload refused, still serving the previous version: {problem:#}")
            }
        }
    }
}

/// Loads the manifest at `target` and serves it, and its certificate, if
/// both load and it fits what the host reserved at start. Connections keep
/// the certificate they were made with.
async fn reload(
    server: &Server,
    runtime: &Runtime,
    certificates: Option<&Certificates>,
    target: &Path,
) -> anyhow::Result<()> {
    let manifest = crate::read_target(target)?;
    runtime.check_room(&manifest.components, server.limits().concurrency)?;
    let certificate = match (certificates, &manifest.tls) {
        (Some(_), Some(settings)) => Some(Certificates::read(settings)?),
        (None, None) => None,
        _ => bail!("server.tls: HTTPS cannot be turned on or off by a reload; restart to apply it"),
    };
    let deployment = Deployment::load(runtime, &manifest).await?;
    if let (Some(certificates), Some(certificate)) = (certificates, certificate) {
        certificates.replace(certificate);
    }
    server.deploy(deployment);
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
