//! Answers the host writes itself, whole: FastAPI-shaped errors and JSON.
//!
//! They are values ([`Reply`], an `http::Response<Bytes>`): the gate, the
//! token endpoint and the docs return them, and only the server sends them.
//! Like the manifest, this module is at the bottom of the host and imports
//! nothing of it.

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
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
