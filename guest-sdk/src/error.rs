//! [`HttpError`]: FastAPI's `HTTPException`.

use std::fmt;

use http::StatusCode;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// An error answered as `{"detail": ...}` with its status, like FastAPI's
/// `HTTPException`.
///
/// Return it from a handler (`Result<T, HttpError>`) or from a custom
/// extractor to stop a request.
///
/// ```
/// use wafer::{HttpError, IntoResponse};
/// use http::StatusCode;
///
/// let response = HttpError::new(StatusCode::CONFLICT, "Item exists")
///     .with_header("x-error", "conflict")
///     .into_response();
/// assert_eq!(response.status(), StatusCode::CONFLICT);
/// assert_eq!(response.body(), br#"{"detail":"Item exists"}"#);
///
/// // The detail can be any JSON, as in FastAPI.
/// let response = HttpError::new(StatusCode::BAD_REQUEST, serde_json::json!({"code": 7}))
///     .into_response();
/// assert_eq!(response.body(), br#"{"detail":{"code":7}}"#);
/// ```
#[derive(Debug, Clone)]
pub struct HttpError(Box<Inner>);

/// Boxed so that `Result<T, HttpError>` stays small.
#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    detail: Value,
    headers: HeaderMap,
}

impl HttpError {
    /// An error with a status and a detail (a string or any JSON value).
    pub fn new(status: StatusCode, detail: impl Into<Value>) -> Self {
        HttpError(Box::new(Inner {
            status,
            detail: detail.into(),
            headers: HeaderMap::new(),
        }))
    }

    /// An error whose detail is the status's reason phrase, as FastAPI's
    /// default: `{"detail":"Not Found"}`.
    pub fn from_status(status: StatusCode) -> Self {
        HttpError::new(status, status.canonical_reason().unwrap_or("Error"))
    }

    /// 400 Bad Request.
    pub fn bad_request(detail: impl Into<Value>) -> Self {
        HttpError::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401 Unauthorized.
    pub fn unauthorized(detail: impl Into<Value>) -> Self {
        HttpError::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 403 Forbidden.
    pub fn forbidden(detail: impl Into<Value>) -> Self {
        HttpError::new(StatusCode::FORBIDDEN, detail)
    }

    /// 404 Not Found.
    pub fn not_found(detail: impl Into<Value>) -> Self {
        HttpError::new(StatusCode::NOT_FOUND, detail)
    }

    /// 409 Conflict.
    pub fn conflict(detail: impl Into<Value>) -> Self {
        HttpError::new(StatusCode::CONFLICT, detail)
    }

    /// Adds a response header (for example `WWW-Authenticate` on a 401). Names
    /// or values that are not valid HTTP are dropped.
    pub fn with_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        if let (Ok(name), Ok(value)) = (name.try_into(), value.try_into()) {
            self.0.headers.append(name, value);
        }
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The detail.
    pub fn detail(&self) -> &Value {
        &self.0.detail
    }
}

impl From<StatusCode> for HttpError {
    fn from(status: StatusCode) -> Self {
        HttpError::from_status(status)
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.detail {
            Value::String(detail) => write!(f, "{}: {detail}", self.0.status),
            detail => write!(f, "{}: {detail}", self.0.status),
        }
    }
}

impl std::error::Error for HttpError {}

impl HttpError {
    /// The status, the `detail` and the headers, to answer with.
    pub(crate) fn into_parts(self) -> (StatusCode, Value, HeaderMap) {
        let Inner {
            status,
            detail,
            headers,
        } = *self.0;
        (status, detail, headers)
    }
}
