//! The one wasmtime [`Engine`] of the process and the [`Linker`] every
//! component is instantiated with.

use std::path::PathBuf;

use anyhow::Context as _;
use wasmtime::component::Linker;
use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
};

use super::state::RequestState;

/// Linear memory one instance may grow to, unless configured otherwise.
pub const DEFAULT_MAX_MEMORY: usize = 128 << 20;

/// Instances that may exist at once (pooling allocator slots).
const MAX_INSTANCES: u32 = 1000;

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Where compiled components are cached between runs; `None` compiles on
    /// every start.
    pub cache_dir: Option<PathBuf>,
    /// The most linear memory one instance may use, in bytes.
    pub max_memory: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            cache_dir: default_cache_dir(),
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

/// `$XDG_CACHE_HOME/wafer` or `~/.cache/wafer`.
pub fn default_cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|cache| cache.join("wafer"))
}

/// The engine and linker shared by every component and request.
#[derive(Clone)]
pub struct Runtime {
    engine: Engine,
    linker: Linker<RequestState>,
}

impl Runtime {
    /// Configures wasmtime: async support (wasi-http is async), the pooling
    /// allocator so that a fresh instance per request is cheap, and the
    /// on-disk cache of compiled code.
    pub fn new(options: &EngineOptions) -> anyhow::Result<Runtime> {
        let mut config = Config::new();
        config.wasm_component_model(true);

        let mut pooling = PoolingAllocationConfig::new();
        pooling
            .total_component_instances(MAX_INSTANCES)
            .total_core_instances(MAX_INSTANCES)
            .total_memories(MAX_INSTANCES)
            .total_tables(MAX_INSTANCES)
            .total_stacks(MAX_INSTANCES)
            .max_memory_size(options.max_memory);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));

        if let Some(dir) = &options.cache_dir {
            let mut cache = CacheConfig::new();
            cache.with_directory(dir);
            let cache = Cache::new(cache)
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!("cannot use {} as the compilation cache", dir.display())
                })?;
            config.cache(Some(cache));
        }

        let engine = Engine::new(&config)
            .map_err(anyhow::Error::from)
            .context("cannot configure wasmtime")?;
        let mut linker = Linker::new(&engine);
        // All of WASI 0.2 is linked so that Rust's std (which imports
        // `wasi:cli/*`) instantiates; what a guest may actually reach is
        // decided by its `WasiCtx`, which grants nothing by default.
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        Ok(Runtime { engine, linker })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The linker with WASI and `wasi:http`.
    pub fn linker(&self) -> &Linker<RequestState> {
        &self.linker
    }
}
