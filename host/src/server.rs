//! The HTTP front: accepts connections, picks the component by route, runs a
//! fresh instance per request, and turns every failure into a JSON error
//! response. One log line per request.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tracing::{debug, error, info, warn};
use wasmtime::Store;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;

use crate::auth::identity::IDENTITY_HEADER;
use crate::auth::{Gate, Verdict};
use crate::docs::Docs;
use crate::routes::RouteTable;
use crate::runtime::{Component, RequestState, Runtime};

/// The body of every response the host sends: a guest's streamed body or one
/// the host wrote.
pub type Body = UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>;

/// Requests carry no header of this prefix into a guest: the host alone speaks
/// for itself in `wafer-*` headers.
const RESERVED_HEADER_PREFIX: &str = "wafer-";

/// Serves a set of components, and the API docs.
pub struct Server {
    runtime: Runtime,
    components: Vec<Component>,
    routes: RouteTable,
    docs: Option<Docs>,
    gate: Gate,
    guest_env: Vec<(String, String)>,
}

impl Server {
    /// A server for these components, routed by their manifest routes and
    /// checked by `gate`; the docs' paths, if any, and the token endpoint's
    /// come before the components'.
    pub fn new(
        runtime: Runtime,
        components: Vec<Component>,
        docs: Option<Docs>,
        gate: Gate,
    ) -> Server {
        let routes = RouteTable::new(components.iter().map(|c| c.route().clone()));
        let guest_env = gate.guest_env();
        Server {
            runtime,
            components,
            routes,
            docs,
            gate,
            guest_env,
        }
    }

    /// Accepts connections on `listener` until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(connection) => connection,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not exit.
                    warn!("cannot accept a connection: {error}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let server = self.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let server = server.clone();
                    async move { Ok::<_, Infallible>(server.handle(request).await) }
                });
                let connection = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                if let Err(error) = connection {
                    debug!(%peer, "connection ended: {error}");
                }
            });
        }
    }

    /// Answers one request.
    pub async fn handle(&self, request: Request<Incoming>) -> Response<Body> {
        let started = Instant::now();
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let docs = self
            .docs
            .as_ref()
            .and_then(|docs| docs.respond(&method, &path));
        let token_endpoint = self
            .gate
            .token_endpoint()
            .filter(|endpoint| endpoint.path() == path);
        // Who answered: the docs, the token endpoint, the host (no route),
        // the security gate (the guest was never called), or the guest.
        let (component, answered_by, response) =
            match (docs, token_endpoint, self.routes.find(&path)) {
                (Some(response), _, _) => ("-", "docs", response),
                (None, Some(endpoint), _) => ("-", "token", endpoint.respond(request).await),
                (None, None, Some(index)) => {
                    let component = &self.components[index];
                    let (mut parts, body) = request.into_parts();
                    strip_reserved_headers(&mut parts.headers);
                    match self.gate.check(index, &parts) {
                        Verdict::Deny(response) => (component.name(), "gate", response),
                        Verdict::Allow(identity) => {
                            if let Some(identity) = identity {
                                parts.headers.insert(IDENTITY_HEADER, identity);
                            }
                            let request = Request::from_parts(parts, body);
                            (
                                component.name(),
                                "guest",
                                self.call(component, request).await,
                            )
                        }
                    }
                }
                (None, None, None) => ("-", "host", detail(StatusCode::NOT_FOUND, "Not Found")),
            };
        info!(
            %method,
            %path,
            status = response.status().as_u16(),
            component = %component,
            by = answered_by,
            elapsed_us = started.elapsed().as_micros() as u64,
            "request"
        );
        response
    }

    /// Runs the request in a fresh instance of `component`.
    async fn call(&self, component: &Component, request: Request<Incoming>) -> Response<Body> {
        let mut store = Store::new(
            self.runtime.engine(),
            RequestState::with_env(&self.guest_env),
        );
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prepared = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)
            .and_then(|incoming| {
                Ok((
                    incoming,
                    store.data_mut().http().new_response_outparam(sender)?,
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
        // The guest runs in its own task: it may go on writing the body after
        // the response head has been handed back here.
        let task = tokio::spawn(async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, incoming, response_out)
                .await
        });

        let name = component.name().to_owned();
        match receiver.await {
            Ok(Ok(response)) => {
                tokio::spawn(async move {
                    if let Ok(Err(trap)) = task.await {
                        log_trap(&name, "guest failed after responding", &trap);
                    }
                });
                response
            }
            Ok(Err(code)) => {
                error!(component = %name, "guest answered with an error code: {code:?}");
                internal_error()
            }
            Err(_) => {
                match task.await {
                    Ok(Ok(())) => error!(component = %name, "guest returned without responding"),
                    Ok(Err(trap)) => log_trap(&name, "guest trapped", &trap),
                    Err(panic) => error!(component = %name, "guest task failed: {panic}"),
                }
                internal_error()
            }
        }
    }
}

/// One line with the trap's reason; the guest's backtrace at debug level.
fn log_trap(component: &str, what: &str, trap: &wasmtime::Error) {
    let reason = match trap.downcast_ref::<wasmtime::Trap>() {
        Some(code) => code.to_string(),
        None => trap.root_cause().to_string(),
    };
    error!(component = %component, %reason, "{what}");
    debug!(component = %component, "{what}: {trap:?}");
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
    let body = Bytes::from(serde_json::json!({ "detail": message }).to_string());
    let length = body.len();
    let mut response = Response::new(full_body(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    response
}
