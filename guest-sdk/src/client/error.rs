//! [`ClientError`]: why an outbound request failed, and the response a
//! handler that does not handle it gives.

use std::fmt;

use http::StatusCode;

use crate::error::HttpError;
use crate::response::{IntoResponse, Response};

/// What kind of failure an outbound request met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The host's allowlist (`allowed_outbound_hosts`) does not let the
    /// component reach that host.
    Denied,
    /// The host name could not be resolved.
    Dns,
    /// No connection: refused, reset, or TLS failed.
    Connect,
    /// The request's timeout passed before it was done.
    Timeout,
    /// The upstream broke HTTP, or ended its body early.
    Protocol,
    /// The response body was not what was asked for: not JSON of that type,
    /// not UTF-8, or over the request's size limit.
    Body,
    /// The request could not be built: an invalid URL, header or method. A
    /// mistake in the handler.
    Request,
}

/// Why an outbound request failed.
///
/// A handler that returns it (or lets `?` turn it into an
/// [`HttpError`]) answers as a gateway would: 504 `{"detail":"Gateway
/// Timeout"}` for a timeout, 502 `{"detail":"Bad Gateway"}` for an upstream
/// that cannot be reached or breaks HTTP, 502 with a detail naming the host
/// for a host the allowlist denies, and 500 for a request that could not be
/// built. The reason is logged; the client sees only the detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    kind: ErrorKind,
    message: String,
}

impl ClientError {
    /// An error of `kind`, with a message for the log.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ClientError {
            kind,
            message: message.into(),
        }
    }

    /// The host refused to send the request to `authority`.
    pub fn denied(authority: impl fmt::Display) -> Self {
        ClientError::new(
            ErrorKind::Denied,
            format!("outbound requests to {authority} are not allowed"),
        )
    }

    /// The request did not finish within its timeout.
    pub fn timeout() -> Self {
        ClientError::new(ErrorKind::Timeout, "the request timed out")
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What went wrong, for the log.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the request ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.kind == ErrorKind::Timeout
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "outbound request failed ({:?}): {}",
            self.kind, self.message
        )
    }
}

impl std::error::Error for ClientError {}

impl From<ClientError> for HttpError {
    fn from(error: ClientError) -> Self {
        crate::log::error(format_args!("{error}"));
        match error.kind {
            ErrorKind::Timeout => HttpError::from_status(StatusCode::GATEWAY_TIMEOUT),
            ErrorKind::Denied => HttpError::new(
                StatusCode::BAD_GATEWAY,
                format!("Bad Gateway: {}", error.message),
            ),
            ErrorKind::Request => HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR),
            ErrorKind::Dns | ErrorKind::Connect | ErrorKind::Protocol | ErrorKind::Body => {
                HttpError::from_status(StatusCode::BAD_GATEWAY)
            }
        }
    }
}

impl IntoResponse for ClientError {
    fn into_response(self) -> Response {
        HttpError::from(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(error: ClientError) -> (u16, serde_json::Value) {
        let response = error.into_response();
        let body = serde_json::from_slice(response.body()).expect("JSON");
        (response.status().as_u16(), body)
    }

    #[test]
    fn failures_answer_as_a_gateway() {
        let detail = |text: &str| serde_json::json!({ "detail": text });
        assert_eq!(
            answer(ClientError::timeout()),
            (504, detail("Gateway Timeout"))
        );
        assert_eq!(
            answer(ClientError::new(ErrorKind::Connect, "refused")),
            (502, detail("Bad Gateway"))
        );
        assert_eq!(
            answer(ClientError::denied("evil.example:443")),
            (
                502,
                detail("Bad Gateway: outbound requests to evil.example:443 are not allowed")
            )
        );
        assert_eq!(
            answer(ClientError::new(ErrorKind::Request, "bad url")).0,
            500
        );
    }
}
