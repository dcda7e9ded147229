//! What a request's store holds: a WASI context that grants nothing but an
//! empty environment and the incoming request, and the `wasi:http` hooks.

use wasmtime::component::ResourceTable;
use wasmtime::{StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

/// The data of one request's [`wasmtime::Store`].
pub struct RequestState {
    pub(super) limits: StoreLimits,
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: DenyOutbound,
}

impl RequestState {
    /// State for one request: no files, no sockets, no environment variables,
    /// no arguments, standard input empty, output discarded, and no outbound
    /// HTTP.
    pub fn new() -> RequestState {
        RequestState::with_env(&[], crate::limits::Limits::default().memory_bytes)
    }

    /// The same, with these environment variables (the host's own, such as
    /// the identity secret; never the host process's environment), and at
    /// most `memory_bytes` of linear memory per memory.
    pub fn with_env(env: &[(String, String)], memory_bytes: usize) -> RequestState {
        let wasi = WasiCtx::builder()
            .envs(env)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        RequestState {
            limits: StoreLimitsBuilder::new()
                .memory_size(memory_bytes)
                // A trap, not a failed `memory.grow`, so the host can say
                // which limit was hit.
                .trap_on_grow_failure(true)
                .build(),
            table: ResourceTable::new(),
            wasi,
            http: WasiHttpCtx::new(),
            hooks: DenyOutbound,
        }
    }
}

impl Default for RequestState {
    fn default() -> Self {
        RequestState::new()
    }
}

impl WasiView for RequestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for RequestState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Refuses every outbound request a guest makes: no ambient authority.
struct DenyOutbound;

impl WasiHttpHooks for DenyOutbound {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<wasmtime_wasi_http::RequestOptions>,
        _fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
                )>,
            > + Send,
    > {
        tracing::warn!(uri = %request.uri(), "outbound HTTP request denied: no outbound hosts are allowed");
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}
