//! The thin layer between `wasi:http` and the app, compiled only for `wasm32`.
//!
//! Everything above this module is plain Rust; this is the one place that
//! touches WASI: it turns the host's `incoming-request` into an
//! `http::Request`, lets the [`App`] answer it, and writes the response back.
//! The [`export!`](crate::export) macro wires it to the component's exports.

use std::cell::{OnceCell, RefCell};
use std::sync::Once;

use http::StatusCode;
use wasip2::http::types::{
    Fields, IncomingBody, IncomingRequest, Method as WasiMethod, OutgoingBody, OutgoingResponse,
    ResponseOutparam,
};
use wasip2::io::streams::StreamError;

use crate::app::App;
use crate::error::HttpError;
use crate::extract::context::Request;
use crate::response::{IntoResponse, Response};

pub use wasip2;

/// Bindings for Wafer's own `wafer:app` exports, from `wit/`.
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "wafer:app/app",
        pub_export_macro: true,
        export_macro_name: "__wafer_export_metadata",
        default_bindings_module: "wafer::__private::wasm::bindings",
    });
}

/// The largest chunk `blocking-write-and-flush` accepts.
const WRITE_CHUNK: usize = 4096;
/// How much to ask for per read of the request body.
const READ_CHUNK: u64 = 64 * 1024;

thread_local! {
    /// The app, built on first use and kept for the life of the instance.
    static APP: OnceCell<App> = const { OnceCell::new() };
    /// Where the response of the request in progress goes, kept here so that the
    /// panic hook can still answer if the handler panics.
    static PENDING: RefCell<Option<ResponseOutparam>> = const { RefCell::new(None) };
}

/// Runs `f` with the instance's app, building it with `build` the first time.
pub fn with_app<R>(build: fn() -> App, f: impl FnOnce(&App) -> R) -> R {
    APP.with(|app| f(app.get_or_init(build)))
}

/// `wasi:http/incoming-handler.handle`.
pub fn handle(build: fn() -> App, request: IncomingRequest, response_out: ResponseOutparam) {
    install_panic_hook();
    PENDING.with(|pending| *pending.borrow_mut() = Some(response_out));
    let response = with_app(build, |app| {
        match read_request(&request, app.body_limit()) {
            Ok(request) => crate::runtime::block_on(app.respond(request)),
            Err(response) => response.finish(),
        }
    });
    if let Some(response_out) = PENDING.with(|pending| pending.borrow_mut().take()) {
        send(response_out, response);
    }
}

/// On `wasm32` a panic aborts the instance; before it does, answer the request
/// with a 500 if nothing was sent yet. The host handles the trap that follows.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            if let Some(response_out) =
                PENDING.with(|pending| pending.try_borrow_mut().ok()?.take())
            {
                let error = HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR);
                send(response_out, error.into_response().finish());
            }
        }));
    });
}

fn read_request(request: &IncomingRequest, limit: usize) -> Result<Request, Response> {
    let headers = request.headers().entries();
    let declared_length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > limit as u64) {
        return Err(HttpError::from_status(StatusCode::PAYLOAD_TOO_LARGE).into_response());
    }
    let method = method(request.method())?;
    let body = if may_have_body(&method, declared_length, &headers) {
        read_body(request, limit)?
    } else {
        Vec::new()
    };

    let mut builder = http::Request::builder()
        .method(method)
        .uri(request.path_with_query().unwrap_or_else(|| "/".to_owned()));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(body).map_err(|error| {
        HttpError::bad_request(format!("Invalid request: {error}")).into_response()
    })
}

/// Whether the request may have a body: reading one costs six calls into the
/// host, and most requests have none.
///
/// A declared length says. Without one, HTTP/1.1 has a body only with
/// `Transfer-Encoding`, while HTTP/2 and HTTP/3 may send one unannounced: it is
/// read for every method but those whose content has no defined meaning
/// (RFC 9110, section 9.3), which do not carry one in practice.
fn may_have_body(
    method: &http::Method,
    declared_length: Option<u64>,
    headers: &[(String, Vec<u8>)],
) -> bool {
    if let Some(length) = declared_length {
        return length > 0;
    }
    let chunked = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("transfer-encoding"));
    chunked
        || !matches!(
            *method,
            http::Method::GET | http::Method::HEAD | http::Method::OPTIONS | http::Method::TRACE
        )
}

fn read_body(request: &IncomingRequest, limit: usize) -> Result<Vec<u8>, Response> {
    let unreadable =
        || HttpError::bad_request("There was an error reading the body").into_response();
    let body = request.consume().map_err(|()| unreadable())?;
    let stream = body.stream().map_err(|()| unreadable())?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(READ_CHUNK) {
            Ok(chunk) => {
                if bytes.len() + chunk.len() > limit {
                    return Err(
                        HttpError::from_status(StatusCode::PAYLOAD_TOO_LARGE).into_response()
                    );
                }
                bytes.extend_from_slice(&chunk);
            }
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(_)) => return Err(unreadable()),
        }
    }
    drop(stream);
    drop(IncomingBody::finish(body));
    Ok(bytes)
}

/// The request's method; one that is not a method token is a 400, never
/// taken for another method.
fn method(method: WasiMethod) -> Result<http::Method, Response> {
    Ok(match method {
        WasiMethod::Get => http::Method::GET,
        WasiMethod::Head => http::Method::HEAD,
        WasiMethod::Post => http::Method::POST,
        WasiMethod::Put => http::Method::PUT,
        WasiMethod::Delete => http::Method::DELETE,
        WasiMethod::Connect => http::Method::CONNECT,
        WasiMethod::Options => http::Method::OPTIONS,
        WasiMethod::Trace => http::Method::TRACE,
        WasiMethod::Patch => http::Method::PATCH,
        WasiMethod::Other(other) => wafer_contract::method::parse(&other)
            .map_err(|error| HttpError::bad_request(error.to_string()).into_response())?,
    })
}

fn send(response_out: ResponseOutparam, response: Response) {
    let (status, headers, body) = response.into_parts();
    let entries: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    // A header the host forbids would fail the whole list: then add them one by
    // one and leave out the ones refused.
    let fields = Fields::from_list(&entries).unwrap_or_else(|_| {
        let fields = Fields::new();
        for (name, value) in &entries {
            let _ = fields.append(name, value);
        }
        fields
    });
    let outgoing = OutgoingResponse::new(fields);
    // A new response is a 200 already; every call into the host counts.
    if status != StatusCode::OK {
        let _ = outgoing.set_status_code(status.as_u16());
    }
    let Ok(outgoing_body) = outgoing.body() else {
        ResponseOutparam::set(response_out, Ok(outgoing));
        return;
    };
    ResponseOutparam::set(response_out, Ok(outgoing));
    if let Ok(stream) = outgoing_body.write() {
        for chunk in body.chunks(WRITE_CHUNK) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                // The client went away; nothing left to tell it.
                return;
            }
        }
    }
    let _ = OutgoingBody::finish(outgoing_body, None);
}
