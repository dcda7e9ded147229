//! `wafer dev`: serve a manifest, and rebuild and reload each component
//! when its sources change.
//!
//! Each component with a `build` command has sources: its `watch` paths, or
//! else the folder of the crate a cargo build builds (from `cargo metadata`).
//! The folders are looked at every [`POLL`]; a change rebuilds the
//! components whose sources changed, one after another, then reloads the
//! manifest as SIGHUP does (requests in flight finish on the old version).
//! A build that fails leaves the last good `.wasm` loaded; the component's
//! routes answer 503 "build failed: <first error line>" until a build
//! succeeds, and everything else is served as before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tracing::{error, info, warn};
use wafer_host::manifest::{ComponentSpec, Manifest};
use wafer_host::runtime::Runtime;
use wafer_host::server::Server;
use wafer_host::tls::Certificates;

use super::build::{Built, build_one, manifest_folder};
use super::reload::{Sources, reload};

/// How often the sources are looked at.
const POLL: Duration = Duration::from_millis(300);

/// Components whose latest build failed, by name, with the first error line.
pub(crate) type Failures = BTreeMap<String, String>;

/// What `wafer dev` keeps between builds.
pub(crate) struct Dev {
    manifest: Manifest,
    folder: PathBuf,
    watched: Watched,
    /// Components whose latest build failed.
    pub(crate) failures: Failures,
}

impl Dev {
    /// Looks at the sources, then builds every component with a `build`
    /// command (so that an edit made while it builds is built next). A
    /// failed build is served as a failure if an earlier build left a
    /// `.wasm`; without one there is nothing to serve, and the start stops.
    pub(crate) async fn start(manifest: &Manifest, sources: &Sources) -> anyhow::Result<Dev> {
        let folder = manifest_folder(&sources.target);
        let watched = Watched::of(manifest, &folder, sources);
        let mut failures = Failures::new();
        for spec in manifest
            .components
            .iter()
            .filter(|spec| spec.build.is_some())
        {
            let built = build_one(spec, &folder).await?;
            report(spec, &built);
            if !built.status.success() {
                if !spec.source.is_file() {
                    anyhow::bail!(
                        "component {:?}: the build failed and there is no earlier build of {} \
                         to serve: {}",
                        spec.name,
                        spec.source.display(),
                        built.failure()
                    );
                }
                failures.insert(spec.name.clone(), built.failure());
            }
        }
        Ok(Dev {
            manifest: manifest.clone(),
            folder,
            watched,
            failures,
        })
    }
}

/// Says how a build went, in the terminal.
fn report(spec: &ComponentSpec, built: &Built) {
    let seconds = built.elapsed.as_secs_f64();
    if built.status.success() {
        info!(component = spec.name, "built in {seconds:.1} s");
    } else {
        error!(
            component = spec.name,
            "build failed after {seconds:.1} s, still serving the last good build: {}",
            built.failure()
        );
    }
}

/// Rebuilds and reloads as sources change, until the process ends.
pub(crate) async fn watch(
    server: Arc<Server>,
    runtime: Runtime,
    certificates: Option<Arc<Certificates>>,
    sources: Sources,
    dev: Dev,
) {
    let Dev {
        mut manifest,
        folder,
        mut watched,
        mut failures,
    } = dev;
    loop {
        tokio::time::sleep(POLL).await;
        let changed = watched.changed();
        if changed.is_empty() {
            continue;
        }
        // Let an editor finish writing before building; what changes from
        // here on is seen at the next look, and built again.
        tokio::time::sleep(Duration::from_millis(100)).await;
        watched.seen = watched.look();
        if changed.contains(&Change::Settings) {
            info!("{} changed: reloading", sources.target.display());
            match sources.manifest() {
                Ok(changed) => {
                    manifest = changed;
                    failures.retain(|name, _| manifest.components.iter().any(|c| &c.name == name));
                    watched = Watched::of(&manifest, &folder, &sources);
                }
                Err(problem) => {
                    error!("reload refused, still serving the previous version: {problem:#}");
                    continue;
                }
            }
        }
        for spec in &manifest.components {
            if !changed.contains(&Change::Sources(spec.name.clone())) {
                continue;
            }
            info!(component = spec.name, "sources changed: building");
            match build_one(spec, &folder).await {
                Ok(built) => {
                    report(spec, &built);
                    if built.status.success() {
                        failures.remove(&spec.name);
                    } else {
                        failures.insert(spec.name.clone(), built.failure());
                    }
                }
                Err(problem) => error!("{problem:#}"),
            }
        }
        match reload(
            &server,
            &runtime,
            certificates.as_deref(),
            &sources,
            &failures,
        )
        .await
        {
            Ok(()) => info!("reloaded {}", sources.target.display()),
            Err(problem) => {
                error!("reload refused, still serving the previous version: {problem:#}")
            }
        }
    }
}

/// What changed since the last look.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// The manifest or the variables file.
    Settings,
    /// A component's sources, by name.
    Sources(String),
}

/// The files looked at, and what they were when last seen.
struct Watched {
    /// The manifest and the variables file.
    settings: Vec<PathBuf>,
    /// Each component's name and the paths it is built from (not its
    /// `.wasm`: the builds here write it).
    components: Vec<(String, Vec<PathBuf>)>,
    seen: Vec<Vec<Stamp>>,
}

/// A file's path, modification time and size.
type Stamp = (PathBuf, Option<SystemTime>, u64);

impl Watched {
    fn of(manifest: &Manifest, folder: &Path, sources: &Sources) -> Watched {
        let mut settings = vec![sources.target.clone()];
        settings.extend(sources.variables.clone());
        let components = manifest
            .components
            .iter()
            .map(|spec| (spec.name.clone(), sources_of(spec, folder)))
            .collect();
        let mut watched = Watched {
            settings,
            components,
            seen: Vec::new(),
        };
        watched.seen = watched.look();
        watched
    }

    fn look(&self) -> Vec<Vec<Stamp>> {
        std::iter::once(stamps(&self.settings))
            .chain(self.components.iter().map(|(_, paths)| stamps(paths)))
            .collect()
    }

    /// What changed since the last call, which becomes the last look.
    fn changed(&mut self) -> Vec<Change> {
        let now = self.look();
        let mut changes = Vec::new();
        if now[0] != self.seen[0] {
            changes.push(Change::Settings);
        }
        for (index, (name, _)) in self.components.iter().enumerate() {
            if now[index + 1] != self.seen[index + 1] {
                changes.push(Change::Sources(name.clone()));
            }
        }
        self.seen = now;
        changes
    }
}

/// Folders a source tree never holds sources in.
const SKIPPED: &[&str] = &["target", "node_modules", ".git", ".spin"];

/// The stamps of the files at `paths`, folders walked (all but [`SKIPPED`]
/// and hidden ones), in order.
fn stamps(paths: &[PathBuf]) -> Vec<Stamp> {
    fn walk(path: &Path, out: &mut Vec<Stamp>) {
        let Ok(meta) = std::fs::metadata(path) else {
            out.push((path.to_owned(), None, 0));
            return;
        };
        if !meta.is_dir() {
            out.push((path.to_owned(), meta.modified().ok(), meta.len()));
            return;
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                !name.starts_with('.') && !SKIPPED.contains(&name.as_ref())
            })
            .map(|entry| entry.path())
            .collect();
        children.sort();
        for child in children {
            walk(&child, out);
        }
    }
    let mut out = Vec::new();
    for path in paths {
        walk(path, &mut out);
    }
    out
}

/// What a component is built from: its `watch` paths, else the folder of
/// the package its cargo `build` builds; nothing without a build.
fn sources_of(spec: &ComponentSpec, folder: &Path) -> Vec<PathBuf> {
    if !spec.watch.is_empty() {
        return spec.watch.clone();
    }
    let Some(command) = &spec.build else {
        return Vec::new();
    };
    match cargo_package_folder(command, folder) {
        Some(package) => vec![package],
        None => {
            warn!(
                component = spec.name,
                "cannot tell what `{command}` builds from: list its sources in `watch`"
            );
            Vec::new()
        }
    }
}

/// The folder of the package a `cargo build` command builds, run in
/// `folder`: the one `-p`/`--package` names, else the one whose manifest
/// is in `folder`, else the workspace's only one.
fn cargo_package_folder(command: &str, folder: &Path) -> Option<PathBuf> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if !words.contains(&"cargo") {
        return None;
    }
    let package = words.windows(2).find_map(|pair| match pair {
        ["-p" | "--package", name] => Some((*name).to_owned()),
        _ => None,
    });
    let package = package.or_else(|| {
        words
            .iter()
            .find_map(|word| word.strip_prefix("--package=").map(str::to_owned))
    });
    let output = std::process::Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(folder)
        .output()
        .ok()?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    let packages = metadata["packages"].as_array()?;
    let folder_of = |package: &serde_json::Value| {
        Path::new(package["manifest_path"].as_str()?)
            .parent()
            .map(Path::to_owned)
    };
    let here = folder.canonicalize().ok();
    let chosen = match package {
        Some(name) => packages.iter().find(|p| p["name"].as_str() == Some(&name)),
        None => packages
            .iter()
            .find(|p| folder_of(p).is_some_and(|f| Some(f) == here))
            .or(if packages.len() == 1 {
                packages.first()
            } else {
                None
            }),
    };
    chosen.and_then(folder_of)
}
