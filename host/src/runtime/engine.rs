//! The one wasmtime [`Engine`] of the process and the [`Linker`] every
//! component is instantiated with.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use wasmtime::component::{Component, Linker};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store,
    UpdateDeadline,
};

use super::cache::ArtifactCache;
use super::state::RequestState;
use crate::manifest::{ComponentSpec, Limits, MAX_INSTANCES, Manifest, instance_slots};
use crate::store::Stores;

/// What one component instance may hold of the pooling allocator's core
/// instances, memories and tables. A Rust component for `wasm32-wasip2` has
/// three core instances (its code, and the shim and fix-up modules that wire
/// its imports), two tables and one memory; one made with the WASI 0.1
/// adapter has a fourth instance and a second memory.
const CORE_INSTANCES_PER_SLOT: u32 = 4;
const MEMORIES_PER_SLOT: u32 = 2;
const TABLES_PER_SLOT: u32 = 4;

/// Memory and table bytes a freed slot keeps mapped and resets in place
/// (only the dirtied pages, where `PAGEMAP_SCAN` is available) instead of
/// giving them back with `madvise`: the next instance then takes no page
/// faults there, and no TLB shoot-down interrupts the other cores.
const KEEP_RESIDENT: usize = 10 << 20;

/// Slots decommitted together, so that what is given back costs one TLB
/// shoot-down per batch rather than one per instance.
const DECOMMIT_BATCH: usize = 16;

/// How often the epoch advances: the granularity of CPU deadlines.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Where compiled components are cached between runs; `None` compiles on
    /// every start.
    pub cache_dir: Option<PathBuf>,
    /// The most linear memory one instance may use, in bytes.
    pub max_memory: usize,
    /// Instances that may exist at once: the pooling allocator's slots,
    /// reserved at start. Each costs start-up time (the guard page of its
    /// fiber stack is an `mprotect` call and a mapping of its own), so a
    /// host reserves what its manifest can use
    /// ([`instance_slots`]).
    pub instance_slots: u32,
    /// Where embedded key-value stores are kept.
    pub data_dir: PathBuf,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            cache_dir: default_cache_dir(),
            max_memory: Limits::default().memory_bytes,
            instance_slots: MAX_INSTANCES,
            data_dir: default_data_dir(),
        }
    }
}

impl EngineOptions {
    /// What serving `manifest` needs: slots that fit its largest instance,
    /// and as many as it can use at once (each costs start-up time).
    pub fn for_manifest(manifest: &Manifest, cache_dir: Option<PathBuf>) -> EngineOptions {
        EngineOptions {
            cache_dir,
            max_memory: manifest
                .components
                .iter()
                .map(|component| component.limits.memory_bytes)
                .max()
                .unwrap_or(Limits::default().memory_bytes),
            instance_slots: instance_slots(
                manifest.server_limits.concurrency,
                &manifest.components,
            ),
            data_dir: default_data_dir(),
        }
    }
}

/// Why components do not fit a runtime: what it reserved at start cannot
/// grow.
#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
    /// A component's memory limit is above the slots' size.
    #[error(
        "component {component:?}: memory_mb is above the {max_mib} MiB the host started with; restart to apply it"
    )]
    Memory {
        /// The component.
        component: String,
        /// The slots' size, in MiB.
        max_mib: usize,
    },
    /// More instances could exist at once than there are slots.
    #[error(
        "[server] concurrency and the idle instances of instance_reuse need {needed} \
         instance slots, the host started with {reserved}; restart to apply it"
    )]
    Slots {
        /// The slots these components need.
        needed: u32,
        /// The slots reserved.
        reserved: u32,
    },
}

/// `$XDG_CACHE_HOME/wafer` or `~/.cache/wafer`.
pub fn default_cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|cache| cache.join("wafer"))
}

/// Where the host keeps data unless told otherwise (`--data-dir`):
/// `$XDG_DATA_HOME/wafer`, else `~/.local/share/wafer`, else `.wafer` in the
/// working folder.
pub fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("share"))
        })
        .map_or_else(|| PathBuf::from(".wafer"), |data| data.join("wafer"))
}

/// The engine and linker shared by every component and request.
#[derive(Clone)]
pub struct Runtime {
    engine: Engine,
    max_memory: usize,
    instance_slots: u32,
    linker: Linker<RequestState>,
    cache: Option<ArtifactCache>,
    stores: Arc<Stores>,
}

impl Runtime {
    /// Configures wasmtime: async support (wasi-http is async), the pooling
    /// allocator so that a fresh instance per request is cheap, and the
    /// on-disk cache of compiled code.
    pub fn new(options: &EngineOptions) -> anyhow::Result<Runtime> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        // CPU deadlines: a guest checks the epoch at loop heads and calls,
        // which costs far less than fuel.
        config.epoch_interruption(true);
        // `perf record` can name guest functions (perf's /tmp/perf-<pid>.map).
        if std::env::var_os("WAFER_PERF_MAP").is_some() {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }

        let slots = options.instance_slots;
        let mut pooling = PoolingAllocationConfig::new();
        pooling
            .total_component_instances(slots)
            .total_core_instances(slots.saturating_mul(CORE_INSTANCES_PER_SLOT))
            .total_memories(slots.saturating_mul(MEMORIES_PER_SLOT))
            .total_tables(slots.saturating_mul(TABLES_PER_SLOT))
            .total_stacks(slots)
            .max_memory_size(options.max_memory)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT)
            .pagemap_scan(Enabled::Auto)
            .decommit_batch_size(DECOMMIT_BATCH);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));

        let engine = Engine::new(&config)
            .map_err(anyhow::Error::from)
            .context("cannot configure wasmtime")?;
        let mut linker = Linker::new(&engine);
        // All of WASI 0.2 is linked so that Rust's std (which imports
        // `wasi:cli/*`) instantiates; what a guest may actually reach is
        // decided by its `WasiCtx`, which grants nothing by default.
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        super::keyvalue::add_to_linker(&mut linker)?;
        super::config::add_to_linker(&mut linker)?;
        start_epoch_ticker(&engine);
        let cache = options
            .cache_dir
            .as_deref()
            .map(ArtifactCache::new)
            .transpose()?;
        Ok(Runtime {
            engine,
            max_memory: options.max_memory,
            instance_slots: options.instance_slots,
            linker,
            cache,
            stores: Arc::new(Stores::new(&options.data_dir)),
        })
    }

    /// The host's key-value stores.
    pub fn stores(&self) -> &Stores {
        &self.stores
    }

    /// A store for one instance: `state`'s memory limit, and a trap once the
    /// guest has executed for `cpu` (counted in epoch ticks).
    pub fn store(&self, state: RequestState, cpu: Duration) -> Store<RequestState> {
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limits);
        arm_cpu_budget(&mut store, cpu);
        store
    }

    /// Compiles a component, or takes it from the cache of compiled code.
    pub fn compile(&self, wasm: &[u8]) -> wasmtime::Result<Component> {
        match &self.cache {
            Some(cache) => cache.component(&self.engine, wasm),
            None => Component::new(&self.engine, wasm),
        }
    }

    /// The on-disk cache of compiled components, if there is one.
    pub fn cache(&self) -> Option<&ArtifactCache> {
        self.cache.as_ref()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// How many instances may exist at once.
    pub fn instance_slots(&self) -> u32 {
        self.instance_slots
    }

    /// Whether `components`, with `server_concurrency` requests in guests at
    /// once, fit the slots this runtime reserved when it started (a reload
    /// cannot grow them).
    pub fn check_room(
        &self,
        components: &[ComponentSpec],
        server_concurrency: usize,
    ) -> Result<(), CapacityError> {
        if let Some(component) = components
            .iter()
            .find(|component| component.limits.memory_bytes > self.max_memory)
        {
            return Err(CapacityError::Memory {
                component: component.name.clone(),
                max_mib: self.max_memory >> 20,
            });
        }
        let needed = instance_slots(server_concurrency, components);
        if needed > self.instance_slots {
            return Err(CapacityError::Slots {
                needed,
                reserved: self.instance_slots,
            });
        }
        Ok(())
    }

    /// The linker with WASI and `wasi:http`.
    pub fn linker(&self) -> &Linker<RequestState> {
        &self.linker
    }
}

/// Gives the store's guest `cpu` of execution from now on: a trap once it is
/// spent.
///
/// The deadline is one tick ahead at all times. Its callback runs only while
/// wasm executes, so it counts the ticks the guest spent running (time it
/// waits in host calls, such as a sleep, does not count), and it yields to the
/// executor so a busy guest cannot hog a thread.
pub fn arm_cpu_budget(store: &mut Store<RequestState>, cpu: Duration) {
    let budget = u64::try_from(cpu.as_millis().div_ceil(EPOCH_TICK.as_millis()))
        .unwrap_or(u64::MAX)
        .max(1);
    let mut ticks = 0u64;
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        ticks += 1;
        Ok(if ticks > budget {
            UpdateDeadline::Interrupt
        } else {
            UpdateDeadline::Yield(1)
        })
    });
}

/// Advances the engine's epoch every [`EPOCH_TICK`] for as long as the engine
/// lives.
fn start_epoch_ticker(engine: &Engine) {
    let engine = engine.weak();
    std::thread::Builder::new()
        .name("wafer-epoch".into())
        .spawn(move || {
            while let Some(engine) = engine.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .ok();
}
