//! One request through a guest: the per-request entry point of the runtime,
//! which the server and the benchmark both call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::oneshot;
use wafer_contract::identity::REQUEST_ID_HEADER as REQUEST_ID;
use wasmtime_wasi_http::WasiHttpView as _;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::component::Component;
use super::engine::Runtime;
use super::guest_log::GuestLog;
use super::instance::Instance;
use super::state::RequestState;

/// What a guest hands back through its `response-outparam`: its response,
/// with a body it may still be writing, or an error code.
pub type Answer = Result<hyper::Response<HyperOutgoingBody>, ErrorCode>;

/// A request handed to a guest instance.
pub struct GuestCall<F> {
    /// Runs the guest until its `handle` returns (after it has written its
    /// answer's body), and then gives the instance back to the component's
    /// idle ones, if it may serve again and did not trap. Dropping it stops
    /// the guest.
    pub run: F,
    /// The guest's answer, once it gives one; closed if it ends without.
    pub answer: oneshot::Receiver<Answer>,
    /// Set when the guest stops before it has finished: it trapped, or was
    /// stopped. A response body that ends then was cut off, not finished.
    pub stopped: Stopped,
}

/// Whether a guest stopped before it finished (see [`GuestCall::stopped`]):
/// `wasi:http` ends the body of a guest that is dropped as if it were
/// complete, so whoever sends that body on asks this first. Cloning shares
/// it.
#[derive(Debug, Clone, Default)]
pub struct Stopped(Arc<AtomicBool>);

impl Stopped {
    /// Says the guest stopped before it finished.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether it did.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

impl Component {
    /// Hands `request` to an instance of this component: a fresh one, or an
    /// idle one where the manifest lets instances be reused, with the
    /// component's CPU budget and sandbox. An error means the request cannot
    /// be handed to a guest at all (no authority, say).
    pub fn call<B>(
        &self,
        runtime: &Runtime,
        request: http::Request<B>,
    ) -> wasmtime::Result<GuestCall<impl Future<Output = wasmtime::Result<()>> + Send + 'static>>
    where
        B: hyper::body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let limits = self.limits();
        let cpu = Duration::from_millis(limits.cpu_ms);
        let mut instance = self.instances.take(cpu, || {
            Instance::fresh(
                runtime,
                RequestState::with_env(
                    &self.environment,
                    limits.memory_bytes,
                    self.outbound.clone(),
                    // The component's name is shared, not copied, per instance.
                    Some(GuestLog::new(self.outbound.component().clone())),
                    self.kv.clone(),
                    self.config.clone(),
                ),
                cpu,
            )
        });
        // The scheme the server accepted the request by (a hand-made
        // request, a test's, has none: plain HTTP).
        let scheme = match request.extensions().get::<http::uri::Scheme>() {
            Some(scheme) if *scheme == http::uri::Scheme::HTTPS => Scheme::Https,
            _ => Scheme::Http,
        };
        instance.state().begin_request();
        if let Some(log) = instance.state().log() {
            let request_id = request.headers().get(REQUEST_ID);
            log.begin(request_id.and_then(|id| id.to_str().ok()).unwrap_or("-"));
        }
        let (sender, answer) = oneshot::channel();
        let incoming = instance
            .state()
            .http()
            .new_incoming_request(scheme, request)?;
        let response_out = instance.state().http().new_response_outparam(sender)?;
        let pre = self.pre.clone();
        let instances = self.instances.clone();
        let stopped = Stopped::default();
        let trapped = stopped.clone();
        let run = async move {
            let outcome = instance.handle(&pre, incoming, response_out).await;
            if outcome.is_ok() {
                instances.give_back(instance);
            } else {
                // Before the instance, and the body it was writing, go.
                trapped.stop();
            }
            outcome
        };
        Ok(GuestCall {
            run,
            answer,
            stopped,
        })
    }
}
