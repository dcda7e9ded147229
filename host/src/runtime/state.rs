//! What a request's store holds: a WASI context that grants nothing but the
//! component's environment, the incoming request and output to the host's
//! log, and the `wasi:http` hooks.

use wasmtime::component::ResourceTable;
use wasmtime::{StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use super::config::Config;
use super::guest_log::GuestLog;
use super::outbound::OutboundPolicy;
use crate::store::KvAccess;

/// The data of one request's [`wasmtime::Store`].
pub struct RequestState {
    pub(super) limits: StoreLimits,
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundPolicy,
    log: Option<GuestLog>,
    kv: KvAccess,
    config: Config,
}

impl RequestState {
    /// State for one request: no files, no sockets, no environment variables,
    /// no arguments, standard input empty, output discarded, and no outbound
    /// HTTP.
    pub fn new() -> RequestState {
        RequestState::with_env(
            &[],
            crate::manifest::Limits::default().memory_bytes,
            OutboundPolicy::default(),
            None,
            KvAccess::default(),
            Config::default(),
        )
    }

    /// The same, with these environment variables (the host's own, such as
    /// the identity secret; never the host process's environment), at most
    /// `memory_bytes` of linear memory per memory, outbound HTTP only as
    /// `outbound` allows, output to `log` (or discarded), the key-value
    /// stores `kv` grants, and `config` for `wasi:config`.
    pub fn with_env(
        env: &[(String, String)],
        memory_bytes: usize,
        outbound: OutboundPolicy,
        log: Option<GuestLog>,
        kv: KvAccess,
        config: Config,
    ) -> RequestState {
        let mut builder = WasiCtx::builder();
        builder
            .envs(env)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        if let Some(log) = &log {
            builder.stdout(log.stdout()).stderr(log.stderr());
        }
        let wasi = builder.build();
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
            hooks: outbound,
            log,
            kv,
            config,
        }
    }
}

impl RequestState {
    /// Where the guest's output goes, if anywhere.
    pub fn log(&self) -> Option<&GuestLog> {
        self.log.as_ref()
    }

    /// Starts the instance's next request: a new key-value budget.
    pub fn begin_request(&mut self) {
        self.kv.begin();
    }

    /// The component's config.
    pub(super) fn config(&self) -> &Config {
        &self.config
    }

    /// The key-value access and the table its handles live in.
    pub(super) fn kv_parts(&mut self) -> (&mut KvAccess, &mut ResourceTable) {
        (&mut self.kv, &mut self.table)
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

/// Sends a guest's outbound request only where the component's policy
/// allows; refuses everything else.
impl WasiHttpHooks for OutboundPolicy {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
                )>,
            > + Send,
    > {
        let _ = fut;
        if !self.check(request.uri()) {
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}
