//! Where a request's instance comes from: a fresh one per request (full
//! isolation, the default), or, for a component whose manifest entry sets
//! `instance_reuse`, an idle one that served earlier requests.
//!
//! A reused instance keeps its linear memory and globals from one request to
//! the next: whatever a request leaves behind, the next request of the same
//! component can see. Instances are never shared between components, never
//! serve two requests at once, and are thrown away after a trap, a timeout or
//! `instance_reuse` requests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::Store;
use wasmtime::component::Resource;
use wasmtime_wasi_http::p2::bindings::http::types::{IncomingRequest, ResponseOutparam};
use wasmtime_wasi_http::p2::bindings::{Proxy, ProxyPre};

use super::engine::{Runtime, arm_cpu_budget};
use super::state::RequestState;

/// One instance of a component, or the store one is about to be made in.
pub struct Instance {
    store: Store<RequestState>,
    /// `None` until the first request instantiates the component.
    proxy: Option<Proxy>,
    /// Requests it has started.
    served: u32,
}

impl Instance {
    /// A store for a fresh instance: `state`'s capabilities and limits, and
    /// `cpu` of guest execution.
    pub fn fresh(runtime: &Runtime, state: RequestState, cpu: Duration) -> Instance {
        Instance {
            store: runtime.store(state, cpu),
            proxy: None,
            served: 0,
        }
    }

    /// The store's state, to add the request's resources to.
    pub fn state(&mut self) -> &mut RequestState {
        self.store.data_mut()
    }

    /// Runs `wasi:http/incoming-handler.handle`, instantiating the component
    /// first if this instance is fresh. An error (a trap) leaves the instance
    /// unusable.
    pub async fn handle(
        &mut self,
        pre: &ProxyPre<RequestState>,
        request: Resource<IncomingRequest>,
        response_out: Resource<ResponseOutparam>,
    ) -> wasmtime::Result<()> {
        self.served += 1;
        let proxy = match &self.proxy {
            Some(proxy) => proxy,
            None => self
                .proxy
                .insert(pre.instantiate_async(&mut self.store).await?),
        };
        proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut self.store, request, response_out)
            .await
    }
}

/// A component's idle instances, kept for reuse when its manifest entry
/// allows it. Cloning shares the pool.
#[derive(Clone)]
pub struct InstancePool {
    reuse: u32,
    max_idle: usize,
    idle: Arc<Mutex<Vec<Instance>>>,
}

impl InstancePool {
    /// A pool whose instances serve up to `reuse` requests each (1: none is
    /// ever reused), keeping at most `max_idle` of them.
    pub fn new(reuse: u32, max_idle: usize) -> InstancePool {
        InstancePool {
            reuse,
            max_idle,
            idle: Arc::default(),
        }
    }

    /// An idle instance with its CPU budget set to `cpu` for the next
    /// request, or a fresh one made with `fresh`.
    pub fn take(&self, cpu: Duration, fresh: impl FnOnce() -> Instance) -> Instance {
        if self.reuse > 1
            && let Some(mut instance) = self.lock().pop()
        {
            arm_cpu_budget(&mut instance.store, cpu);
            return instance;
        }
        fresh()
    }

    /// Gives back an instance whose request completed without a trap; it is
    /// dropped if it has served its share or the pool is full.
    pub fn give_back(&self, instance: Instance) {
        if instance.served >= self.reuse || instance.proxy.is_none() {
            return;
        }
        let mut idle = self.lock();
        if idle.len() < self.max_idle {
            idle.push(instance);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Instance>> {
        // The vector is valid even if a holder panicked.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
