//! Answers the host writes itself, whole: FastAPI-shaped errors and JSON.
//!
//! They are values ([`Reply`], an `http::Response<Bytes>`): the gate, the
//! token endpoint and the docs return them, and only the server sends them.
//! Like the manifest, this module is at the bottom of the host and imports
//! nothing of it.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use http::{HeaderValue, Response, StatusCode};

/// An answer the host wrote, whole.
pub type Reply = Response<Bytes>;

/// A FastAPI-shaped error: `{"detail": message}`.
///
/// ```
/// use http::StatusCode;
///
/// let reply = wafer_host::reply::detail(StatusCode::NOT_FOUND, "Not Found");
/// assert_eq!(reply.body().as_ref(), br#"{"detail":"Not Found"}"#);
/// assert_eq!(reply.headers()["content-type"], "application/json");
/// ```
pub fn detail(status: StatusCode, message: &str) -> Reply {
    json(status, serde_json::json!({ "detail": message }).to_string())
}

/// A JSON answer.
pub fn json(status: StatusCode, body: impl Into<Bytes>) -> Reply {
    let body = body.into();
    let length = body.len();
    let mut reply = Response::new(body);
    *reply.status_mut() = status;
    let headers = reply.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    reply
}

/// A redirect with no body, as Starlette's `RedirectResponse` sends it;
/// `location` is written as it is where it is a valid header value (callers
/// encode it: `wafer_contract::redirect`), else left out.
///
/// ```
/// use http::StatusCode;
///
/// let reply = wafer_host::reply::redirect(StatusCode::TEMPORARY_REDIRECT, "/shop/catalog/");
/// assert_eq!(reply.headers()["location"], "/shop/catalog/");
/// assert_eq!(reply.headers()["content-length"], "0");
/// ```
pub fn redirect(status: StatusCode, location: &str) -> Reply {
    let mut reply = Response::new(Bytes::new());
    *reply.status_mut() = status;
    let headers = reply.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(LOCATION, location);
    }
    headers.insert(CONTENT_LENGTH, HeaderValue::from(0));
    reply
}
