//! Responses, and the [`IntoResponse`] conversion handlers return through.

mod body;
mod cookie;
mod redirect;
mod sse;
mod stream;

pub(crate) use self::body::Content;
pub use self::body::{Body, BodyError};
pub use self::cookie::{CookieError, SameSite, SetCookie};
pub use self::redirect::Redirect;
pub use self::sse::{Event, Sse};
pub use self::stream::{Ndjson, StreamBody};

use http::StatusCode;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::background::Task;
use crate::error::HttpError;

/// An HTTP response: status, headers and a body, whole or streamed.
///
/// Handlers rarely build one directly: they return something that implements
/// [`IntoResponse`], such as [`Json`](crate::Json), a `String`, a
/// `(StatusCode, T)` pair or a `Result`.
///
/// ```
/// use wafer::Response;
/// use http::StatusCode;
///
/// let response = Response::text("created")
///     .with_status(StatusCode::CREATED)
///     .with_header("x-request-id", "42");
/// assert_eq!(response.status(), StatusCode::CREATED);
/// assert_eq!(response.body(), b"created");
/// ```
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    /// What runs once the response is sent (see
    /// [`BackgroundTasks`](crate::BackgroundTasks)), as in Starlette.
    background: Vec<Task>,
    /// Whether the status is still the default one, which a route's declared
    /// status (`#[post("/items", status = 201)]`) replaces.
    default_status: bool,
}

impl Response {
    /// A 200 response with `body` and no headers.
    pub fn new(body: impl Into<Vec<u8>>) -> Self {
        Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Body::from(body.into()),
            background: Vec::new(),
            default_status: true,
        }
    }

    /// A response with this status and an empty body.
    pub fn empty(status: StatusCode) -> Self {
        Response::new(Vec::new()).with_status(status)
    }

    /// A 200 `application/json` response. A value that cannot be serialized
    /// (a map with non-string keys, say) gives a 500.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Response::new(body).with_content_type("application/json"),
            Err(error) => {
                crate::log::error(format_args!("response body is not serializable: {error}"));
                HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
        }
    }

    pub(crate) fn json_with_status<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        Response::json(value).with_status(status)
    }

    /// A 200 `text/plain; charset=utf-8` response.
    pub fn text(body: impl Into<String>) -> Self {
        Response::new(body.into()).with_content_type("text/plain; charset=utf-8")
    }

    /// A 200 `text/html; charset=utf-8` response.
    pub fn html(body: impl Into<String>) -> Self {
        Response::new(body.into()).with_content_type("text/html; charset=utf-8")
    }

    /// A 200 `application/octet-stream` response.
    pub fn bytes(body: impl Into<Vec<u8>>) -> Self {
        Response::new(body).with_content_type("application/octet-stream")
    }

    /// Sets the status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self.default_status = false;
        self
    }

    /// Adds a header. A name or value that is not valid in HTTP turns the
    /// response into a 500, logged, rather than being sent half-formed.
    pub fn with_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: std::fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: std::fmt::Display,
    {
        match header_pair(name, value) {
            Ok((name, value)) => {
                self.headers.append(name, value);
                self
            }
            Err(error) => invalid_header(error),
        }
    }

    fn with_content_type(mut self, content_type: &'static str) -> Self {
        self.headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change them.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// A 200 response whose body is sent as `body` produces it, with this
    /// content type.
    pub fn streamed(content_type: &'static str, body: Body) -> Self {
        Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body,
            background: Vec::new(),
            default_status: true,
        }
        .with_content_type(content_type)
    }

    /// The body, if it is whole; empty for a streamed one (see
    /// [`Response::into_body`]).
    pub fn body(&self) -> &[u8] {
        self.body.as_bytes()
    }

    /// The body, whole or streamed.
    pub fn into_body(self) -> Body {
        self.body
    }

    /// Splits the response into status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Body) {
        (self.status, self.headers, self.body)
    }

    /// The same response with its body whole: a streamed one read to its
    /// end, or, where the stream fails, a 500 (logged).
    pub(crate) async fn collected(self) -> Response {
        if !self.body.is_stream() {
            return self;
        }
        let Response {
            status,
            headers,
            body,
            background,
            default_status,
        } = self;
        match body.collect().await {
            Ok(bytes) => Response {
                status,
                headers,
                body: Body::from(bytes),
                background,
                default_status,
            }
            .finish(),
            Err(error) => {
                crate::log::error(format_args!("the streamed response stopped: {error}"));
                HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
        }
    }

    /// Gives the response the tasks to run once it is sent.
    pub(crate) fn set_background(&mut self, tasks: Vec<Task>) {
        self.background = tasks;
    }

    /// The tasks to run once the response is sent, leaving none.
    pub(crate) fn take_background(&mut self) -> Vec<Task> {
        std::mem::take(&mut self.background)
    }

    /// Applies a route's declared status if the handler did not choose one.
    #[doc(hidden)]
    pub fn with_default_status(mut self, status: StatusCode) -> Self {
        if self.default_status {
            self.status = status;
        }
        self
    }

    /// Adds `content-length`, which every whole response Wafer sends
    /// carries; a streamed one is sent in chunks instead.
    pub(crate) fn finish(mut self) -> Self {
        if let Some(length) = self.body.len() {
            self.headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        self
    }
}

/// A header's name and value from anything that converts to them, or what
/// is wrong with them.
pub(crate) fn header_pair<K, V>(name: K, value: V) -> Result<(HeaderName, HeaderValue), String>
where
    K: TryInto<HeaderName>,
    K::Error: std::fmt::Display,
    V: TryInto<HeaderValue>,
    V::Error: std::fmt::Display,
{
    let name = name
        .try_into()
        .map_err(|error| format!("invalid header name: {error}"))?;
    let value = value
        .try_into()
        .map_err(|error| format!("invalid header value: {error}"))?;
    Ok((name, value))
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("background", &self.background.len())
            .finish()
    }
}

fn invalid_header(error: impl std::fmt::Display) -> Response {
    crate::log::error(format_args!("invalid response header: {error}"));
    HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

/// Anything a handler can return.
///
/// Implemented for [`Response`], [`Json`](crate::Json), [`HttpError`],
/// `String` and `&'static str` (text), `Vec<u8>` (bytes), `()` (an empty
/// body), [`StatusCode`], [`Redirect`], `(StatusCode, T)`, `(SetCookie, T)`, `([(name, value); N], T)`,
/// `(StatusCode, [(name, value); N], T)` and `Result<T, E>` where both sides
/// implement it.
///
/// ```
/// use wafer::{HttpError, IntoResponse, Json};
/// use http::StatusCode;
///
/// fn find(id: u32) -> Result<Json<String>, HttpError> {
///     if id == 1 { Ok(Json("one".into())) } else { Err(HttpError::not_found("Item not found")) }
/// }
/// assert_eq!(find(2).into_response().status(), StatusCode::NOT_FOUND);
/// assert_eq!(find(2).into_response().body(), br#"{"detail":"Item not found"}"#);
/// ```
pub trait IntoResponse {
    /// Converts `self` into a response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, detail, headers) = self.into_parts();
        let mut response =
            Response::json_with_status(status, &serde_json::json!({ "detail": detail }));
        response.headers_mut().extend(headers);
        response
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Vec::new())
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        Response::empty(self)
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        Response::text(self)
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        Response::text(self)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Response::bytes(self)
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        self.1.into_response().with_status(self.0)
    }
}

impl<T, K, V, const N: usize> IntoResponse for ([(K, V); N], T)
where
    T: IntoResponse,
    K: TryInto<HeaderName>,
    K::Error: std::fmt::Display,
    V: TryInto<HeaderValue>,
    V::Error: std::fmt::Display,
{
    fn into_response(self) -> Response {
        let (headers, body) = self;
        headers
            .into_iter()
            .fold(body.into_response(), |response, (name, value)| {
                response.with_header(name, value)
            })
    }
}

impl<T, K, V, const N: usize> IntoResponse for (StatusCode, [(K, V); N], T)
where
    T: IntoResponse,
    K: TryInto<HeaderName>,
    K::Error: std::fmt::Display,
    V: TryInto<HeaderValue>,
    V::Error: std::fmt::Display,
{
    fn into_response(self) -> Response {
        let (status, headers, body) = self;
        (headers, body).into_response().with_status(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_status_replaces_only_the_default() {
        let plain = "x".into_response().with_default_status(StatusCode::CREATED);
        assert_eq!(plain.status(), StatusCode::CREATED);
        let chosen = (StatusCode::ACCEPTED, "x")
            .into_response()
            .with_default_status(StatusCode::CREATED);
        assert_eq!(chosen.status(), StatusCode::ACCEPTED);
    }

    #[test]
    fn invalid_header_is_a_500() {
        let response = Response::text("x").with_header("bad header", "v");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn headers_and_status_tuples() {
        let response = (StatusCode::CREATED, [("x-a", "1"), ("x-b", "2")], "ok").into_response();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["x-a"], "1");
        assert_eq!(response.headers()["x-b"], "2");
    }
}
