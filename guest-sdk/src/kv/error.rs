//! [`StoreError`]: why a store operation failed, and the response a handler
//! that passes it on gives.

use std::fmt;

use http::StatusCode;

use crate::error::HttpError;
use crate::response::{IntoResponse, Response};

/// Why a store operation failed.
///
/// Passed on with `?`, it answers 500 `{"detail":"Internal Server Error"}`
/// (the reason logged), or 503 `{"detail":"Service Unavailable"}` with
/// `Retry-After: 1` when the store is out of reach (Redis down, say).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// The host has no store of that name.
    NoSuchStore(String),
    /// The component was not granted the store (`key_value_stores`).
    AccessDenied(String),
    /// The store cannot be reached now.
    Unavailable(String),
    /// A stored value is not what it was read as.
    Corrupt(String),
    /// Anything else: a limit, a failure of the store.
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NoSuchStore(name) => write!(f, "no key-value store {name:?}"),
            StoreError::AccessDenied(name) => write!(
                f,
                "the component may not open the key-value store {name:?}: grant it in the manifest (key_value_stores)"
            ),
            StoreError::Unavailable(reason) => {
                write!(f, "the key-value store is unavailable: {reason}")
            }
            StoreError::Corrupt(reason) | StoreError::Other(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<StoreError> for HttpError {
    fn from(error: StoreError) -> Self {
        crate::log::error(format_args!("{error}"));
        match error {
            StoreError::Unavailable(_) => HttpError::from_status(StatusCode::SERVICE_UNAVAILABLE)
                .with_header("retry-after", "1"),
            _ => HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl IntoResponse for StoreError {
    fn into_response(self) -> Response {
        HttpError::from(self).into_response()
    }
}
