//! The HTTP front: accepts connections, answers the host's own paths (the
//! health check, the docs, the token endpoint), picks the component by route,
//! asks the gate, runs the request in a guest within its limits, and turns
//! every failure into a JSON error response. One log line per request.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, RETRY_AFTER};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tracing::{debug, info, warn};
use wafer_contract::identity::{IDENTITY_HEADER, RESERVED_HEADER_PREFIX};

use crate::auth::Verdict;
use crate::deployment::{Deployed, Deployment};
use crate::manifest::{DEFAULT_HEALTH_PATH, ServerLimits};
use crate::peer::Peer;
use crate::rate::Decision;
use crate::reply::{self, Reply};
use crate::runtime::Runtime;
use crate::tls::{Certificates, TlsError};
use request_id::{REQUEST_ID, RequestIds};

mod capped;
mod connection;
mod guest;
mod rate;
mod request_body;
mod request_id;

/// The body of every response the host sends: a guest's streamed body or one
/// the host wrote.
pub type Body = UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>;

/// How often an HTTP/2 connection is pinged, and how long the client has to
/// answer before the connection is closed.
const HTTP2_KEEP_ALIVE: Duration = Duration::from_secs(20);

/// Serves the current [`Deployment`] over HTTP.
pub struct Server {
    runtime: Runtime,
    deployment: RwLock<Arc<Deployment>>,
    /// For the host: no more instances than the pooling allocator has slots.
    host_permits: Arc<Semaphore>,
    health: Option<String>,
    limits: ServerLimits,
    /// Peers whose `Forwarded`/`X-Forwarded-For` name the client.
    trusted_proxies: Vec<ipnet::IpNet>,
    /// The TLS acceptor, when the host serves HTTPS.
    tls: Option<tokio_rustls::TlsAcceptor>,
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
            trusted_proxies: Vec::new(),
            tls: None,
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

    /// The host-wide limits it applies.
    pub fn limits(&self) -> ServerLimits {
        self.limits
    }

    /// Applies the host-wide limits.
    pub fn with_limits(mut self, limits: ServerLimits) -> Server {
        self.host_permits = Arc::new(Semaphore::new(limits.concurrency));
        self.limits = limits;
        self
    }

    /// Takes the client's address from the `Forwarded`/`X-Forwarded-For`
    /// headers of these peers (`[server] trusted_proxies`).
    pub fn with_trusted_proxies(mut self, proxies: Vec<ipnet::IpNet>) -> Server {
        self.trusted_proxies = proxies;
        self
    }

    /// Serves HTTPS with `certificates` (which a reload may replace).
    pub fn with_tls(mut self, certificates: &Arc<Certificates>) -> Result<Server, TlsError> {
        self.tls = Some(certificates.acceptor()?);
        Ok(self)
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
        let builder = self.connection_builder();
        // Each connection holds a receiver until it ends: `closed` tells when
        // all have.
        let (stop, stopping) = watch::channel(false);
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
            self.spawn_connection(&builder, stream, peer, stopping.clone());
        }
        drop(listener);
        drop(stopping);
        info!("stopped accepting; waiting up to {grace:?} for requests in flight");
        let _ = stop.send(true);
        if tokio::time::timeout(grace, stop.closed()).await.is_err() {
            warn!("requests still in flight after {grace:?}: stopping anyway");
        }
    }

    /// Answers one request from `peer`, the connection's address (or, behind
    /// a trusted proxy, the client it names).
    pub async fn handle(&self, mut request: Request<Incoming>, peer: Peer) -> Response<Body> {
        let peer = Peer::resolve(peer.ip, request.headers(), &self.trusted_proxies);
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let request_id = self.request_ids.of(request.headers());
        request.headers_mut().insert(REQUEST_ID, request_id.clone());
        let deployment = self.current();
        let (component, answered_by, mut response) = self.route(&deployment, request, peer).await;
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

    /// The answer and who gave it: the host (health, no route), the docs,
    /// the token endpoint, the security gate (the guest was never called),
    /// or the guest; with the component's name, or `-`.
    async fn route<'d>(
        &self,
        deployment: &'d Deployment,
        request: Request<Incoming>,
        peer: Peer,
    ) -> (&'d str, &'static str, Response<Body>) {
        let path = request.uri().path();
        if self.health.as_deref() == Some(path) {
            let health = reply::json(StatusCode::OK, r#"{"status":"ok"}"#);
            return ("-", "host", send(health));
        }
        if let Some(limiter) = deployment.rate_limit()
            && let Some(refused) = rate::admit(limiter, &rate::client_key(peer), "-")
        {
            return ("-", "host", refused);
        }
        let docs = deployment.docs();
        if let Some(page) = docs.and_then(|docs| docs.respond(request.method(), path)) {
            return ("-", "docs", send(page));
        }
        let gate = deployment.gate();
        if let Some(endpoint) = gate.token_endpoint().filter(|e| e.path() == path) {
            return ("-", "token", send(endpoint.respond(request, peer).await));
        }
        let Some(deployed) = deployment.route(path) else {
            return (
                "-",
                "host",
                send(reply::detail(StatusCode::NOT_FOUND, "Not Found")),
            );
        };
        let name = deployed.component().name();
        if let Some(failure) = deployed.build_failure() {
            let message = format!("build failed: {failure}");
            return (
                name,
                "host",
                send(reply::detail(StatusCode::SERVICE_UNAVAILABLE, &message)),
            );
        }
        let (mut parts, body) = request.into_parts();
        strip_reserved_headers(&mut parts.headers);
        host_from_authority(&mut parts);
        let admitted = match gate.check(deployed.rules(), &parts, peer.ip).await {
            Verdict::Deny(refusal) => return (name, "gate", send(refusal)),
            Verdict::Allow(admitted) => admitted,
        };
        let mut allowance = None;
        if let Some(limiter) = deployed.rate_limit() {
            let key = rate::caller_key(limiter, &admitted, peer);
            match limiter.check(&key) {
                Decision::Allow { limit, remaining } => allowance = Some((limit, remaining)),
                refused @ Decision::Refuse { .. } => {
                    return (name, "host", rate::refusal(&refused, &key, name));
                }
            }
        }
        if let Some(identity) = admitted.identity {
            parts.headers.insert(IDENTITY_HEADER, identity);
        }
        let request = Request::from_parts(parts, body);
        let (by, mut response) = self.call(deployed, request).await;
        if let Some((limit, remaining)) = allowance {
            rate::describe(&mut response, limit, remaining);
        }
        (name, by, response)
    }

    /// Runs the request in an instance of the component, within its limits
    /// and the host's; says who answered: the guest, or the host where a
    /// limit of its own refused the request.
    async fn call(
        &self,
        deployed: &Deployed,
        request: Request<Incoming>,
    ) -> (&'static str, Response<Body>) {
        let component = deployed.component();
        let limits = component.limits();
        if content_length(request.headers()).is_some_and(|length| length > limits.max_body_bytes) {
            warn!(
                component = component.name(),
                limit = "max_body_bytes",
                "request body too large"
            );
            return (
                "host",
                detail(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large"),
            );
        }
        let permits = (
            deployed.try_permit(),
            self.host_permits.clone().try_acquire_owned().ok(),
        );
        let (Some(component_permit), Some(host_permit)) = permits else {
            warn!(
                component = component.name(),
                limit = "concurrency",
                "too many requests at once"
            );
            let mut response = detail(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            return ("host", response);
        };
        let (request, body) = request_body::watch(request, limits.max_body_bytes);
        let call = match component.call(&self.runtime, request) {
            Ok(call) => call,
            Err(error) => {
                debug!(component = component.name(), "unusable request: {error:#}");
                return ("host", detail(StatusCode::BAD_REQUEST, "Bad Request"));
            }
        };
        let run = call.run;
        let guest = Box::pin(async move {
            // Held until the guest is done, body included.
            let _permits = (component_permit, host_permit);
            run.await
        });
        guest::answer(
            component.name(),
            limits,
            guest,
            call.answer,
            call.stopped,
            body,
        )
        .await
    }
}

/// The length a message declares in `Content-Length`, if any.
fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse().ok())
}

/// Gives an HTTP/2 request, whose host is its `:authority`, the `Host`
/// header an HTTP/1.1 request carries (as ASGI servers do for FastAPI), so
/// that the gate and the guest read the host one way: the trailing-slash
/// redirect writes it into its location.
fn host_from_authority(parts: &mut http::request::Parts) {
    if parts.headers.contains_key(http::header::HOST) {
        return;
    }
    let authority = parts.uri.authority().map(|authority| authority.as_str());
    if let Some(Ok(host)) = authority.map(http::HeaderValue::from_str) {
        parts.headers.insert(http::header::HOST, host);
    }
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

/// A FastAPI-shaped error response: `{"detail": message}`.
fn detail(status: StatusCode, message: &str) -> Response<Body> {
    send(reply::detail(status, message))
}

/// An answer the host wrote, as a response.
fn send(reply: Reply) -> Response<Body> {
    reply.map(full_body)
}

/// A body the host wrote, whole.
fn full_body(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed_unsync()
}
