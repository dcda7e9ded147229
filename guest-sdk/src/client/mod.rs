//! [`Client`]: outbound HTTP from handlers.
//!
//! ```
//! use std::time::Duration;
//! use serde::Deserialize;
//! use wafer::{get, Client, HttpError, Json, Path};
//!
//! #[derive(Deserialize, serde::Serialize)]
//! struct Price { symbol: String, price: f64 }
//!
//! /// The price and the exchange rate of a symbol, asked for at once.
//! #[get("/quote/{symbol}")]
//! async fn quote(symbol: Path<String>, http: Client) -> Result<Json<Vec<Price>>, HttpError> {
//!     let (price, fx) = wafer::join!(
//!         http.get(format!("https://prices.example/{}", *symbol)).send(),
//!         http.get(format!("https://fx.example/{}", *symbol))
//!             .timeout(Duration::from_millis(300))
//!             .send(),
//!     );
//!     let price: Price = price?.json().await?;
//!     let fx: Price = fx?.json().await?;
//!     Ok(Json(vec![price, fx]))
//! }
//! ```
//!
//! In a component the requests go through the host's
//! `wasi:http/outgoing-handler` (on Wafer, only to `allowed_outbound_hosts`);
//! in tests, through the transport a test gives
//! [`TestClient::override_outbound`](crate::testing::TestClient::override_outbound).
//! Each request carries the incoming request's `x-request-id`, so one
//! request can be followed across services.

mod body;
mod error;
mod transport;
#[cfg(target_arch = "wasm32")]
mod wasi;

use std::rc::Rc;
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt as _};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use self::body::ClientBody;
pub use self::error::{ClientError, ErrorKind};
pub use self::transport::Transport;
pub(crate) use self::transport::{FnTransport, default_transport};

use wafer_contract::identity::REQUEST_ID_HEADER as REQUEST_ID;

/// The most a response body read whole ([`ClientResponse::bytes`],
/// [`ClientResponse::json`]) may hold unless a request sets another limit:
/// 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// An HTTP client for outbound requests: an extractor (`http: Client`), or
/// [`Client::new`] anywhere else. Cloning it is cheap.
#[derive(Clone)]
pub struct Client {
    transport: Rc<dyn Transport>,
    request_id: Option<HeaderValue>,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    /// A client that sends through `transport`, passing `request_id` on.
    pub(crate) fn with(transport: Rc<dyn Transport>, request_id: Option<HeaderValue>) -> Self {
        Client {
            transport,
            request_id,
        }
    }

    /// A client that sends through the component's host, and carries no
    /// request id.
    pub fn new() -> Self {
        Client {
            transport: default_transport(),
            request_id: None,
        }
    }

    /// Starts a request with any method to an absolute URL
    /// (`https://api.example.com/items?limit=5`).
    pub fn request(&self, method: Method, url: impl AsRef<str>) -> RequestBuilder {
        RequestBuilder {
            client: self.clone(),
            method,
            url: url.as_ref().to_owned(),
            headers: HeaderMap::new(),
            query: Vec::new(),
            body: Vec::new(),
            timeout: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            error: None,
        }
    }

    /// Starts a GET request.
    pub fn get(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    /// Starts a POST request.
    pub fn post(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::POST, url)
    }

    /// Starts a PUT request.
    pub fn put(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::PUT, url)
    }

    /// Starts a PATCH request.
    pub fn patch(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::PATCH, url)
    }

    /// Starts a DELETE request.
    pub fn delete(&self, url: impl AsRef<str>) -> RequestBuilder {
        self.request(Method::DELETE, url)
    }
}

/// An outbound request being built; [`RequestBuilder::send`] sends it.
///
/// A header, query or body that cannot be used is not a panic: `send` fails
/// with [`ErrorKind::Request`].
#[must_use = "a request is sent only by `.send().await`"]
pub struct RequestBuilder {
    client: Client,
    method: Method,
    url: String,
    headers: HeaderMap,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    timeout: Option<Duration>,
    max_response_bytes: usize,
    error: Option<ClientError>,
}

impl RequestBuilder {
    /// Adds a header.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: std::fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: std::fmt::Display,
    {
        match crate::response::header_pair(name, value) {
            Ok((name, value)) => {
                self.headers.append(name, value);
            }
            Err(error) => self.fail(error),
        }
        self
    }

    /// Adds query parameters, percent-encoded, after any the URL has.
    pub fn query<K: AsRef<str>, V: ToString>(mut self, pairs: &[(K, V)]) -> Self {
        self.query.extend(
            pairs
                .iter()
                .map(|(name, value)| (name.as_ref().to_owned(), value.to_string())),
        );
        self
    }

    /// Sends `value` as JSON, with `content-type: application/json`.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.body = body;
                self.headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(error) => self.fail(format!("the JSON body cannot be serialized: {error}")),
        }
        self
    }

    /// Sends these bytes as the body (set a `content-type` with
    /// [`RequestBuilder::header`]).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Fails the request with [`ErrorKind::Timeout`] unless it is done within
    /// `timeout`: its response's head and, when it is read through this
    /// response, its body. Without one, only the host's limits
    /// (`timeout_ms`) bound it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The most bytes [`ClientResponse::bytes`] and its siblings read:
    /// larger bodies fail with [`ErrorKind::Body`]. Default:
    /// [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    fn fail(&mut self, message: String) {
        self.error
            .get_or_insert(ClientError::new(ErrorKind::Request, message));
    }

    /// Sends the request; the response comes back as soon as its head has
    /// arrived, its body to be read.
    pub async fn send(self) -> Result<ClientResponse, ClientError> {
        // A timeout too long to add to the clock is no deadline at all.
        let deadline = self
            .timeout
            .and_then(|timeout| Instant::now().checked_add(timeout));
        let max_response_bytes = self.max_response_bytes;
        let transport = self.client.transport.clone();
        let request = self.into_request()?;
        let response = within(deadline, transport.send(request)).await?;
        let (parts, body) = response.into_parts();
        Ok(ClientResponse {
            status: parts.status,
            headers: parts.headers,
            body,
            deadline,
            max_response_bytes,
        })
    }

    fn into_request(self) -> Result<http::Request<Vec<u8>>, ClientError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let uri = absolute_uri(&self.url, &self.query)?;
        let mut headers = self.headers;
        // A declared length, not chunks: what every server reads.
        if !self.body.is_empty()
            || matches!(self.method, Method::POST | Method::PUT | Method::PATCH)
        {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(self.body.len()));
        }
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        if let Some(request_id) = self.client.request_id
            && !request.headers().contains_key(REQUEST_ID)
        {
            request
                .headers_mut()
                .insert(HeaderName::from_static(REQUEST_ID), request_id);
        }
        Ok(request)
    }
}

/// `url` with `query` appended; it must be absolute (`http` or `https`).
fn absolute_uri(url: &str, query: &[(String, String)]) -> Result<Uri, ClientError> {
    let invalid = |why: String| ClientError::new(ErrorKind::Request, format!("URL {url:?}: {why}"));
    let mut text = url.to_owned();
    if !query.is_empty() {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        serializer.extend_pairs(query);
        text.push(if url.contains('?') { '&' } else { '?' });
        text.push_str(&serializer.finish());
    }
    let uri: Uri = text.parse().map_err(|error| invalid(format!("{error}")))?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.authority().is_some() => Ok(uri),
        _ => Err(invalid(
            "an outbound URL is absolute, http:// or https:// and a host".to_owned(),
        )),
    }
}

/// `future`, failing with a timeout at `deadline` if there is one.
async fn within<T>(
    deadline: Option<Instant>,
    future: impl Future<Output = Result<T, ClientError>>,
) -> Result<T, ClientError> {
    match deadline {
        None => future.await,
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            crate::time::timeout(left, future)
                .await
                .unwrap_or_else(|_| Err(ClientError::timeout()))
        }
    }
}

/// The response to an outbound request: its head, and a body to read.
pub struct ClientResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: ClientBody,
    deadline: Option<Instant>,
    max_response_bytes: usize,
}

impl ClientResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The whole body.
    pub async fn bytes(self) -> Result<Vec<u8>, ClientError> {
        let limit = self.max_response_bytes;
        let deadline = self.deadline;
        let mut body = self.body;
        within(deadline, async move {
            let mut bytes = Vec::new();
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                if bytes.len() + chunk.len() > limit {
                    return Err(ClientError::new(
                        ErrorKind::Body,
                        format!("the response body is larger than {limit} bytes"),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(bytes)
        })
        .await
    }

    /// The whole body, as UTF-8 text.
    pub async fn text(self) -> Result<String, ClientError> {
        String::from_utf8(self.bytes().await?)
            .map_err(|_| ClientError::new(ErrorKind::Body, "the response body is not UTF-8 text"))
    }

    /// The whole body, as JSON of type `T`.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, ClientError> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            ClientError::new(
                ErrorKind::Body,
                format!(
                    "the response body is not the JSON expected ({}): {error}",
                    std::any::type_name::<T>()
                ),
            )
        })
    }

    /// The body as chunks, as they arrive (with the request's timeout still
    /// running): for bodies too large to hold, or to pass on as they come.
    pub fn into_stream(self) -> impl Stream<Item = Result<Vec<u8>, ClientError>> {
        let deadline = self.deadline;
        futures::stream::unfold(Some(self.body), move |body| async move {
            let mut body = body?;
            match within(deadline, async { Ok(body.next().await) }).await {
                Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(body))),
                Ok(Some(Err(error))) | Err(error) => Some((Err(error), None)),
                Ok(None) => None,
            }
        })
    }
}
