//! [`Deployment`]: what the host serves from one manifest. Its components,
//! each [`Deployed`] with its gate rules and concurrency permits and found by
//! its manifest route; the security gate; and the merged API docs. Loaded
//! whole, and replaced whole on reload: a request keeps the deployment it
//! started with until it is done.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::Context as _;
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::{info, warn};

use crate::auth::{ComponentGate, Gate};
use crate::docs::{self, ComponentDoc, Docs};
use crate::manifest::{ComponentSpec, Manifest, VariablesFile, variable_values};
use crate::rate::Limiter;
use crate::routes::RouteTable;
use crate::runtime::{Component, Runtime};
use crate::store::KvAccess;

/// Told as each component of a load is ready (compiled, or found in the
/// cache): what a progress bar counts.
pub type OnLoaded = Arc<dyn Fn(&ComponentSpec) + Send + Sync>;

/// The components, gate and docs of one manifest.
pub struct Deployment {
    routes: RouteTable<Deployed>,
    gate: Gate,
    docs: Option<Docs>,
    /// `[rate_limits]`: per client address, for the whole host.
    rate: Option<Limiter>,
}

/// One component as deployed: its compiled component (with the sandbox its
/// instances get), the gate's rules for it, its concurrency permits and its
/// rate limit; and, under `wafer dev`, why its latest build failed.
pub struct Deployed {
    component: Component,
    rules: ComponentGate,
    permits: Arc<Semaphore>,
    rate: Option<Limiter>,
    build_failure: Option<String>,
}

impl Deployment {
    /// Loads every component of `manifest` into `runtime` (compiling them
    /// off the async threads), reads their documents, builds the gate from
    /// them and merges them into the docs; the variables' values come from
    /// the environment, then `variables` (a `--variables-file`), then the
    /// defaults. `on_loaded` is told as each component is ready. Fails with
    /// a message naming the component and the fix.
    pub async fn load(
        runtime: &Runtime,
        manifest: &Manifest,
        variables: Option<&VariablesFile>,
        on_loaded: Option<OnLoaded>,
    ) -> anyhow::Result<Deployment> {
        let mut gate = Gate::new(&manifest.auth, &manifest.components)?;
        let host_env: HashMap<String, Vec<(String, String)>> = manifest
            .components
            .iter()
            .map(|spec| (spec.name.clone(), gate.guest_env(&spec.name)))
            .collect();
        let (loader, entries) = (runtime.clone(), manifest.clone());
        let components = tokio::task::spawn_blocking(move || {
            let on_loaded = on_loaded.unwrap_or_else(|| Arc::new(|_: &ComponentSpec| {}));
            load_components(
                &loader,
                &entries,
                &|spec| host_env.get(&spec.name).cloned().unwrap_or_default(),
                &*on_loaded,
            )
        })
        .await
        .context("loading stopped")??;
        let mut routes = Vec::with_capacity(components.len());
        let mut documents = Vec::with_capacity(components.len());
        // Resolved before anything serves: a required variable without a
        // value stops the load, naming it.
        let values = variable_values(
            &manifest.variables,
            &|name| std::env::var(name).ok(),
            variables,
        )
        .map_err(anyhow::Error::msg)?;
        for mut component in components {
            component.grant_config(
                component
                    .spec()
                    .config
                    .iter()
                    .map(|(key, template)| (key.clone(), template.render(&values)))
                    .collect(),
            );
            let stores = runtime
                .stores()
                .grant(
                    &component.spec().key_value_stores,
                    &manifest.stores,
                    &values,
                )
                .map_err(anyhow::Error::msg)?;
            component.grant_stores(KvAccess::new(stores, manifest.kv_limits));
            let document = read_document(runtime, &component, manifest.docs.strict).await?;
            let spec = component.spec();
            let deployed = Deployed {
                rules: gate.rules(spec, document.as_ref())?,
                permits: Arc::new(Semaphore::new(spec.limits.concurrency)),
                rate: spec.rate_limit.map(Limiter::new),
                build_failure: None,
                component,
            };
            documents.push(ComponentDoc::new(deployed.component.spec(), document.ok()));
            routes.push((deployed.component.spec().route.clone(), deployed));
        }
        let docs = match manifest.docs.openapi {
            Some(_) => {
                let docs = Docs::new(
                    &docs::merged_document(manifest, &documents)?,
                    &manifest.docs,
                );
                info!(paths = ?docs.paths(), "API docs");
                Some(docs)
            }
            None => None,
        };
        Ok(Deployment {
            routes: RouteTable::new(routes),
            gate,
            docs,
            rate: manifest.rate_limit.map(Limiter::new),
        })
    }

    /// The component that serves `path`, if any.
    pub fn route(&self, path: &str) -> Option<&Deployed> {
        self.routes.find(path)
    }

    /// The security gate.
    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// The API docs, unless the manifest turns them off.
    pub fn docs(&self) -> Option<&Docs> {
        self.docs.as_ref()
    }

    /// The host-wide rate limit, if the manifest sets one.
    pub fn rate_limit(&self) -> Option<&Limiter> {
        self.rate.as_ref()
    }

    /// Marks the components whose latest build failed (`wafer dev`), by
    /// name, with the first line of the error: their routes answer 503 with
    /// it until a build succeeds, while the rest is served as before.
    pub fn mark_build_failures(&mut self, failures: &BTreeMap<String, String>) {
        for deployed in self.routes.values_mut() {
            deployed.build_failure = failures.get(deployed.component.name()).cloned();
        }
    }
}

impl Deployed {
    /// The component.
    pub fn component(&self) -> &Component {
        &self.component
    }

    /// The gate's rules for it.
    pub fn rules(&self) -> &ComponentGate {
        &self.rules
    }

    /// Its rate limit, if the manifest sets one.
    pub fn rate_limit(&self) -> Option<&Limiter> {
        self.rate.as_ref()
    }

    /// Why its latest build failed, if it did (`wafer dev`).
    pub fn build_failure(&self) -> Option<&str> {
        self.build_failure.as_deref()
    }

    /// A permit to run one more of its requests, unless as many as its
    /// `concurrency` limit are running.
    pub fn try_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().try_acquire_owned().ok()
    }
}

/// Every component of the manifest loaded and checked; the instances of each
/// get `host_env` of it besides their own environment, and `on_loaded` is
/// told as each is ready. Blocks while it compiles.
pub fn load_components(
    runtime: &Runtime,
    manifest: &Manifest,
    host_env: &(dyn Fn(&ComponentSpec) -> Vec<(String, String)> + Sync),
    on_loaded: &(dyn Fn(&ComponentSpec) + Sync),
) -> anyhow::Result<Vec<Component>> {
    // One thread per component: reading, hashing and mapping (or compiling)
    // them side by side is what keeps a start with many components short.
    let loaded: Vec<_> = std::thread::scope(|scope| {
        let loading: Vec<_> = manifest
            .components
            .iter()
            .map(|spec| {
                (
                    spec,
                    scope.spawn(|| {
                        let component = Component::load(runtime, spec, &host_env(spec));
                        on_loaded(spec);
                        component
                    }),
                )
            })
            .collect();
        loading
            .into_iter()
            .map(|(spec, thread)| {
                thread
                    .join()
                    .map_err(|_| anyhow::anyhow!("component {:?}: loading it panicked", spec.name))
            })
            .collect()
    });
    release_freed_memory();
    loaded
        .into_iter()
        .map(|component| {
            let component = component??;
            let spec = component.spec();
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

/// A component's OpenAPI document, or why it has none.
pub type Document = anyhow::Result<Value>;

/// The component's OpenAPI document, checked to be OpenAPI 3, or why it has
/// none. A component without one is still served (and a warning logged),
/// unless `strict` (the manifest's `docs.strict`) makes that an error.
pub async fn read_document(
    runtime: &Runtime,
    component: &Component,
    strict: bool,
) -> anyhow::Result<Document> {
    let document = component.openapi(runtime).await.and_then(docs::checked);
    match &document {
        Err(error) if strict => anyhow::bail!("{error:#}"),
        Err(error) => warn!(
            component = component.name(),
            "no API description: {error:#}"
        ),
        Ok(_) => {}
    }
    Ok(document)
}
