//! The HTTP front: accepts connections, picks the component by route, runs a
//! fresh instance per request, and turns every failure into a JSON error
//! response. One log line per request.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioTimer;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;

use crate::auth::identity::IDENTITY_HEADER;
use crate::auth::{Gate, Verdict};
use crate::docs::Docs;
use crate::limits::ServerLimits;
use crate::routes::RouteTable;
use crate::runtime::{Component, Instance, RequestState, Runtime};
use request_id::{REQUEST_ID, RequestIds};

mod capped;
mod guest;
mod request_id;
mod unread;

/// The body of every response the host sends: a guest's streamed body or one
/// the host wrote.
pub type Body = UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>;

/// Where the health check is served unless the manifest says otherwise.
pub const DEFAULT_HEALTH_PATH: &str = "/healthz";

/// Requests carry no header of this prefix into a guest: the host alone speaks
/// for itself in `wafer-*` headers.
const RESERVED_HEADER_PREFIX: &str = "wafer-";

/// What the host serves from one manifest: its components, routes, API docs
/// and security gate. Replaced whole on reload; a request keeps the
/// deployment it started with until it is done.
pub struct Deployment {
    components: Vec<Component>,
    routes: RouteTable,
    docs: Option<Docs>,
    gate: Gate,
    /// Per component: the host's variables and the manifest's.
    guest_env: Vec<Vec<(String, String)>>,
    /// Per component: its concurrency limit.
    permits: Vec<Arc<Semaphore>>,
}

impl Deployment {
    /// These components, routed by their manifest routes and checked by
    /// `gate`; the docs' paths, if any, and the token endpoint's come before
    /// the components'.
    pub fn new(components: Vec<Component>, docs: Option<Docs>, gate: Gate) -> Deployment {
        let routes = RouteTable::new(components.iter().map(|c| c.route().clone()));
        let guest_env = components
            .iter()
            .map(|component| {
                let mut env = component.environment().to_vec();
                env.extend(gate.guest_env());
                env
            })
            .collect();
        let permits = components
            .iter()
            .map(|component| Arc::new(Semaphore::new(component.limits().concurrency)))
            .collect();
        Deployment {
            components,
            routes,
            docs,
            gate,
            guest_env,
            permits,
        }
    }
}

/// Serves the current [`Deployment`] over HTTP.
pub struct Server {
    runtime: Runtime,
    deployment: RwLock<Arc<Deployment>>,
    /// For the host: no more instances than the pooling allocator has slots.
    host_permits: Arc<Semaphore>,
    health: Option<String>,
    limits: ServerLimits,
    request_ids: RequestIds,
}

impl Server {
    /// A server for `deployment`.
    pub fn new(runtime: Runtime, deployment: Deployment) -> Server {
        Server {
            runtime,
            deployment: RwLock::new(Arc::new(deployment)),
            host_permits: Arc::new(Semaphore::new(ServerLimits::default().concurrency)),
            health: Some(DEFAULT_HEALTH_PATH.to_owned()),
            limits: ServerLimits::default(),
            request_ids: RequestIds::new(),
        }
    }

    /// Serves `deployment` from now on; requests in flight finish with the
    /// one they started with.
    pub fn deploy(&self, deployment: Deployment) {
        let deployment = Arc::new(deployment);
        match self.deployment.write() {
            Ok(mut current) => *current = deployment,
            Err(poisoned) => *poisoned.into_inner() = deployment,
        }
    }

    fn current(&self) -> Arc<Deployment> {
        match self.deployment.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Applies the host-wide limits.
    pub fn with_limits(mut self, limits: ServerLimits) -> Server {
        self.host_permits = Arc::new(Semaphore::new(limits.concurrency));
        self.limits = limits;
        self
    }

    /// Serves a health check for load balancers at `path`, or none.
    pub fn with_health(mut self, path: Option<String>) -> Server {
        self.health = path;
        self
    }

    /// Accepts connections on `listener` until `shutdown` completes, then
    /// lets the requests in flight finish for up to the shutdown grace.
    pub async fn serve(self: Arc<Self>, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        let grace = self.limits.shutdown_grace;
        let graceful = GracefulShutdown::new();
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            // Slow clients (slowloris) get this long to send their headers.
            .header_read_timeout(self.limits.header_timeout)
            .max_buf_size(self.limits.max_header_bytes)
            .max_headers(self.limits.max_headers);
        builder
            .http2()
            .max_header_list_size(u32::try_from(self.limits.max_header_bytes).unwrap_or(u32::MAX));
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(connection) => connection,
                    Err(error) => {
                        // Out of file descriptors and the like: wait, do not exit.
                        warn!("cannot accept a connection: {error}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let server = self.clone();
            let service = service_fn(move |request| {
                let server = server.clone();
                async move { Ok::<_, Infallible>(server.handle(request).await) }
            });
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    debug!(%peer, "connection ended: {error}");
                }
            });
        }
        drop(listener);
        info!("stopped accepting; waiting up to {grace:?} for requests in flight");
        if tokio::time::timeout(grace, graceful.shutdown())
            .await
            .is_err()
        {
            warn!("requests still in flight after {grace:?}: stopping anyway");
        }
    }

    /// Answers one request.
    pub async fn handle(&self, mut request: Request<Incoming>) -> Response<Body> {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let request_id = self.request_ids.of(request.headers());
        request.headers_mut().insert(REQUEST_ID, request_id.clone());
        let deployment = self.current();
        let docs = deployment
            .docs
            .as_ref()
            .and_then(|docs| docs.respond(&method, &path));
        let token_endpoint = deployment
            .gate
            .token_endpoint()
            .filter(|endpoint| endpoint.path() == path);
        // Who answered: the docs, the token endpoint, the host (no route),
        // the security gate (the guest was never called), or the guest.
        let (component, answered_by, response) =
            match (docs, token_endpoint, deployment.routes.find(&path)) {
                _ if self.health.as_deref() == Some(&path) => (
                    "-",
                    "host",
                    json_response(StatusCode::OK, r#"{"status":"ok"}"#),
                ),
                (Some(response), _, _) => ("-", "docs", response),
                (None, Some(endpoint), _) => ("-", "token", endpoint.respond(request).await),
                (None, None, Some(index)) => {
                    let component = &deployment.components[index];
                    let (mut parts, body) = request.into_parts();
                    strip_reserved_headers(&mut parts.headers);
                    match deployment.gate.check(index, &parts) {
                        Verdict::Deny(response) => (component.name(), "gate", response),
                        Verdict::Allow(identity) => {
                            if let Some(identity) = identity {
                                parts.headers.insert(IDENTITY_HEADER, identity);
                            }
                            let request = Request::from_parts(parts, body);
                            (
                                component.name(),
                                "guest",
                                self.call(&deployment, index, component, request).await,
                            )
                        }
                    }
                }
                (None, None, None) => ("-", "host", detail(StatusCode::NOT_FOUND, "Not Found")),
            };
        let mut response = response;
        info!(
            %method,
            %path,
            status = response.status().as_u16(),
            component = %component,
            by = answered_by,
            request_id = %request_id.to_str().unwrap_or_default(),
            elapsed_us = started.elapsed().as_micros() as u64,
            "request"
        );
        response.headers_mut().insert(REQUEST_ID, request_id);
        response
    }

    /// Runs the request in an instance of `component`: a fresh one, unless
    /// the manifest lets its instances be reused.
    async fn call(
        &self,
        deployment: &Deployment,
        index: usize,
        component: &Component,
        request: Request<Incoming>,
    ) -> Response<Body> {
        let limits = *component.limits();
        if content_length(request.headers()).is_some_and(|length| length > limits.max_body_bytes) {
            warn!(
                component = component.name(),
                limit = "max_body_bytes",
                "request body too large"
            );
            return detail(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large");
        }
        let permits = (
            deployment.permits[index].clone().try_acquire_owned(),
            self.host_permits.clone().try_acquire_owned(),
        );
        let (Ok(component_permit), Ok(host_permit)) = permits else {
            warn!(
                component = component.name(),
                limit = "concurrency",
                "too many requests at once"
            );
            let mut response = detail(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        };
        let cpu = Duration::from_millis(limits.cpu_ms);
        let mut instance = component.instances().take(cpu, || {
            Instance::fresh(
                &self.runtime,
                RequestState::with_env(
                    &deployment.guest_env[index],
                    limits.memory_bytes,
                    component.outbound().clone(),
                ),
                cpu,
            )
        });
        let (request, body_read) = unread::track(request);
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prepared = instance
            .state()
            .http()
            .new_incoming_request(Scheme::Http, request)
            .and_then(|incoming| {
                Ok((
                    incoming,
                    instance.state().http().new_response_outparam(sender)?,
                ))
            });
        let (incoming, response_out) = match prepared {
            Ok(resources) => resources,
            Err(error) => {
                debug!(component = component.name(), "unusable request: {error:#}");
                return detail(StatusCode::BAD_REQUEST, "Bad Request");
            }
        };

        let pre = component.pre().clone();
        let instances = component.instances().clone();
        let guest = Box::pin(async move {
            // Held until the guest is done, body included.
            let _permits = (component_permit, host_permit);
            let outcome = instance.handle(&pre, incoming, response_out).await;
            if outcome.is_ok() {
                instances.give_back(instance);
            }
            outcome
        });

        guest::answer(component.name(), &limits, guest, receiver, body_read).await
    }
}

/// The length a message declares in `Content-Length`, if any.
fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse().ok())
}

fn strip_reserved_headers(headers: &mut http::HeaderMap) {
    let reserved: Vec<_> = headers
        .keys()
        .filter(|name| name.as_str().starts_with(RESERVED_HEADER_PREFIX))
        .cloned()
        .collect();
    for name in reserved {
        headers.remove(name);
    }
}

fn internal_error() -> Response<Body> {
    detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// A body the host wrote, whole.
pub fn full_body(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed_unsync()
}

/// A FastAPI-shaped error response: `{"detail": message}`.
pub fn detail(status: StatusCode, message: &str) -> Response<Body> {
    json_response(
        status,
        &serde_json::json!({ "detail": message }).to_string(),
    )
}

/// A JSON response the host wrote, whole.
pub(crate) fn json_response(status: StatusCode, body: &str) -> Response<Body> {
    let body = Bytes::from(body.to_owned());
    let length = body.len();
    let mut response = Response::new(full_body(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    response
}
