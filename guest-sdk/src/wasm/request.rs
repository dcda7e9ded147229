//! The host's `incoming-request`, as the app's `http::Request`.

use http::StatusCode;
use wasip2::http::types::{
    IncomingBody, IncomingRequest, Method as WasiMethod, Scheme as WasiScheme,
};
use wasip2::io::streams::StreamError;

use crate::error::HttpError;
use crate::extract::context::Request;
use crate::response::{IntoResponse, Response};

/// How much to ask for per read of the request body.
const READ_CHUNK: u64 = 64 * 1024;

/// The request, read whole (its body up to `limit` bytes), or the response
/// for one that cannot be.
pub(super) fn read(request: &IncomingRequest, limit: usize) -> Result<Request, Response> {
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
    // wasmtime hands the host over as the request's authority, never as a
    // `Host` header: the handler gets it back as `Host`, as under an ASGI
    // server (the trailing-slash redirect writes it into its location).
    let has_host = builder
        .headers_ref()
        .is_some_and(|headers| headers.contains_key(http::header::HOST));
    if let Some(authority) = request.authority().filter(|_| !has_host) {
        builder = builder.header(http::header::HOST, authority);
    }
    if let Some(scheme) = scheme(request) {
        builder = builder.extension(scheme);
    }
    builder.body(body).map_err(|error| {
        HttpError::bad_request(format!("Invalid request: {error}")).into_response()
    })
}

/// The scheme the request came in by, as the host says (the trailing-slash
/// redirect writes it into its `Location`).
fn scheme(request: &IncomingRequest) -> Option<http::uri::Scheme> {
    match request.scheme()? {
        WasiScheme::Http => Some(http::uri::Scheme::HTTP),
        WasiScheme::Https => Some(http::uri::Scheme::HTTPS),
        WasiScheme::Other(other) => other.parse().ok(),
    }
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
