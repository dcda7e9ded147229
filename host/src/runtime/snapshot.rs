//! Pre-initialization (`pre_initialize = true`): the host runs a
//! component's `wizer-initialize` export once, at load time, and serves a
//! snapshot of the instance it leaves (Wizer's), so that every instance
//! starts with what the export built (the SDK's app, a parsed model) instead
//! of building it on its first request.
//!
//! The export runs in a sandbox like a request's, narrower still: the
//! manifest's `environment` for the component (not the host's own
//! variables, such as the identity secret), its memory limit, [`INIT_CPU`]
//! of CPU, and no outbound HTTP, key-value stores or `wasi:config`, since a
//! handle taken there would not survive the snapshot. What it leaves in memory is shared
//! by all instances: random numbers drawn there (hash seeds among them) are
//! the same in each, which is the isolation pre-initializing gives up.
//!
//! Snapshots are kept in the compilation cache, keyed by the component and
//! its environment, so a restart serves the same snapshot without running
//! the export again (and finds its compiled code too).

use std::time::Duration;

use anyhow::Context as _;
use wasmtime::Store;
use wasmtime::component::{Instance, WasmList};
use wasmtime_wizer::{ComponentInstanceState, Wizer};

use super::config::Config;
use super::engine::Runtime;
use super::outbound::OutboundPolicy;
use super::state::RequestState;
use crate::manifest::ComponentSpec;
use crate::store::KvAccess;

/// The export Wizer runs by default, and the guest SDK's components have.
pub const INIT_EXPORT: &str = "wizer-initialize";

/// How long the export may run.
pub const INIT_CPU: Duration = Duration::from_secs(10);

/// The pre-initialized component for `wasm`: from the cache if it holds
/// one for this component and environment, else made and cached.
pub(super) fn pre_initialized(
    runtime: &Runtime,
    spec: &ComponentSpec,
    wasm: &[u8],
) -> anyhow::Result<Vec<u8>> {
    let make = || {
        // Loading runs on plain threads; the export's WASI calls want a
        // Tokio reactor, which this one-off runtime gives them.
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start a runtime to pre-initialize it")?
            .block_on(snapshot(runtime, spec, wasm))
    };
    match runtime.cache() {
        // The key's parts are length-prefixed by the cache: a snapshot made
        // with other variables is another snapshot.
        Some(cache) => {
            let mut key = vec![wasm];
            for (name, value) in &spec.environment {
                key.extend([name.as_bytes(), value.as_bytes()]);
            }
            cache.snapshot(&key, make)
        }
        None => make(),
    }
}

/// Instruments `wasm`, runs its initialization, and writes the snapshot.
async fn snapshot(runtime: &Runtime, spec: &ComponentSpec, wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut wizer = Wizer::new();
    // Wizer removes the export from the core module but not (in 48) the
    // component's lift of it, which leaves the snapshot invalid: keep it.
    // Calling it again is harmless: the app is built once.
    wizer.keep_init_func(true);
    let (context, instrumented) = wizer
        .instrument_component(wasm)
        .map_err(anyhow::Error::from)
        .context("Wizer cannot instrument it")?;
    let component = runtime
        .compile(&instrumented)
        .map_err(anyhow::Error::from)
        .context("cannot compile it instrumented")?;
    if component.get_export_index(None, INIT_EXPORT).is_none() {
        anyhow::bail!(
            "pre_initialize is set, but it does not export `{INIT_EXPORT}` \
             (components built with the wafer SDK's `export!` do)"
        );
    }
    let state = RequestState::with_env(
        &spec.environment,
        spec.limits.memory_bytes,
        OutboundPolicy::default(),
        None,
        KvAccess::default(),
        Config::default(),
    );
    let mut store = runtime.store(state, INIT_CPU);
    let instance = runtime
        .linker()
        .instantiate_async(&mut store, &component)
        .await
        .map_err(anyhow::Error::from)
        .context("cannot instantiate it")?;
    let initialize = instance
        .get_typed_func::<(), ()>(&mut store, INIT_EXPORT)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("its `{INIT_EXPORT}` export is not a `func()`"))?;
    initialize
        .call_async(&mut store, ())
        .await
        .map_err(anyhow::Error::from)
        .with_context(|| format!("its `{INIT_EXPORT}` export failed"))?;
    wizer
        .snapshot_component(&context, &mut Snapshotted { store, instance })
        .await
        .map_err(anyhow::Error::from)
        .context("Wizer cannot snapshot it")
}

/// The initialized instance, read by Wizer through the accessor functions
/// its instrumentation added.
struct Snapshotted {
    store: Store<RequestState>,
    instance: Instance,
}

impl Snapshotted {
    /// Calls the accessor `func` of the exported `instance`. Both are
    /// Wizer's own, added by its instrumentation and so always present;
    /// Wizer's trait has no way to report an error, so a failure here (a
    /// bug, not something a component controls) panics, which loading
    /// reports as the component failing to load.
    async fn call<R: wasmtime::component::Lift + Send + Sync + 'static, T>(
        &mut self,
        instance: &str,
        func: &str,
        read: impl FnOnce(&Store<RequestState>, R) -> T,
    ) -> T {
        let result = async {
            let (_, parent) = self
                .instance
                .get_export(&mut self.store, None, instance)
                .context("no accessor instance")?;
            let (_, index) = self
                .instance
                .get_export(&mut self.store, Some(&parent), func)
                .context("no accessor")?;
            let accessor = self
                .instance
                .get_typed_func::<(), (R,)>(&mut self.store, index)
                .map_err(anyhow::Error::from)?;
            let (value,) = accessor
                .call_async(&mut self.store, ())
                .await
                .map_err(anyhow::Error::from)?;
            anyhow::Ok(value)
        }
        .await;
        match result {
            Ok(value) => read(&self.store, value),
            Err(error) => panic!("Wizer's accessor {instance}#{func} failed: {error:#}"),
        }
    }
}

impl ComponentInstanceState for Snapshotted {
    async fn call_func_ret_list_u8(
        &mut self,
        instance: &str,
        func: &str,
        contents: impl FnOnce(&[u8]) + Send,
    ) {
        self.call(instance, func, |store, list: WasmList<u8>| {
            contents(list.as_le_slice(store))
        })
        .await
    }

    async fn call_func_ret_s32(&mut self, instance: &str, func: &str) -> i32 {
        self.call(instance, func, |_, value| value).await
    }

    async fn call_func_ret_s64(&mut self, instance: &str, func: &str) -> i64 {
        self.call(instance, func, |_, value| value).await
    }

    async fn call_func_ret_f32(&mut self, instance: &str, func: &str) -> u32 {
        self.call(instance, func, |_, value: f32| value.to_bits())
            .await
    }

    async fn call_func_ret_f64(&mut self, instance: &str, func: &str) -> u64 {
        self.call(instance, func, |_, value: f64| value.to_bits())
            .await
    }
}
