//! [`TestClient`]: call an app in an ordinary `cargo test`, like FastAPI's
//! `TestClient`.
//!
//! The app runs natively, in the test process, exactly as it runs inside the
//! component: the same router, extractors and error bodies, with no WASI and no
//! host in between.
//!
//! ```
//! use wafer::testing::TestClient;
//! use wafer::{get, App, Json, Path};
//! use serde_json::{json, Value};
//!
//! #[get("/hello/{name}")]
//! fn hello(name: Path<String>) -> Json<Value> {
//!     Json(json!({"message": format!("hello, {}", *name)}))
//! }
//!
//! let client = TestClient::new(App::new().routes(wafer::routes![hello]));
//! let response = client.get("/hello/ann").send();
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.json(), json!({"message": "hello, ann"}));
//! ```

use std::any::{Any, TypeId};

use http::header::{CONTENT_TYPE, COOKIE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;
use serde_json::Value;

use crate::app::App;
use crate::runtime::block_on;

pub mod fastapi;
mod response;
mod stream;

pub use self::response::TestResponse;
pub use self::stream::{SseEvent, TestStream};

use crate::client::{ClientBody, ClientError, FnTransport};
use crate::extract::context::RequestContext;
use crate::extract::{FromRequestAsync, Rejection};

/// Sends requests to an [`App`] in-process.
pub struct TestClient {
    app: App,
}

impl TestClient {
    /// A client for `app`.
    pub fn new(app: App) -> Self {
        TestClient { app }
    }

    /// Replaces an extractor (a dependency, awaiting or not) for this client's
    /// requests, like FastAPI's `app.dependency_overrides`.
    ///
    /// ```
    /// use wafer::extract::{Argument, FromRequest, Rejection};
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App, HttpError, RequestContext};
    ///
    /// struct CurrentUser(String);
    ///
    /// impl FromRequest for CurrentUser {
    ///     fn from_request(_: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
    ///         Err(HttpError::unauthorized("Not authenticated").into())
    ///     }
    /// }
    ///
    /// #[get("/me")]
    /// fn me(user: CurrentUser) -> String {
    ///     user.0
    /// }
    ///
    /// let mut client = TestClient::new(App::new().routes(wafer::routes![me]));
    /// assert_eq!(client.get("/me").send().status(), 401);
    /// client.override_dependency(|_| Ok(CurrentUser("ann".into())));
    /// assert_eq!(client.get("/me").send().text(), "ann");
    /// ```
    pub fn override_dependency<T, F>(&mut self, replacement: F) -> &mut Self
    where
        T: FromRequestAsync + 'static,
        F: Fn(&RequestContext<'_>) -> Result<T, Rejection> + 'static,
    {
        self.app.override_dependency(
            TypeId::of::<T>(),
            Box::new(move |cx| replacement(cx).map(|value| Box::new(value) as Box<dyn Any>)),
        );
        self
    }

    /// Sends the app's outbound requests ([`Client`](crate::Client)) to
    /// `transport` instead of the network: a function from the request to
    /// its response, as a test double of the services the app calls.
    ///
    /// ```
    /// use wafer::client::{ClientError, ErrorKind};
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App, Client, HttpError};
    ///
    /// #[get("/upstream")]
    /// async fn upstream(http: Client) -> Result<String, HttpError> {
    ///     Ok(http.get("https://api.example/hello").send().await?.text().await?)
    /// }
    ///
    /// let mut client = TestClient::new(App::new().routes(wafer::routes![upstream]));
    /// client.override_outbound(|request| async move {
    ///     assert_eq!(request.uri(), "https://api.example/hello");
    ///     Ok(http::Response::new("hi from upstream"))
    /// });
    /// assert_eq!(client.get("/upstream").send().text(), "hi from upstream");
    ///
    /// client.override_outbound(|_| async { Err::<http::Response<Vec<u8>>, _>(ClientError::timeout()) });
    /// assert_eq!(client.get("/upstream").send().status(), 504);
    /// ```
    pub fn override_outbound<F, Fut, B>(&mut self, transport: F) -> &mut Self
    where
        F: Fn(http::Request<Vec<u8>>) -> Fut + 'static,
        Fut: Future<Output = Result<http::Response<B>, ClientError>> + 'static,
        B: Into<ClientBody> + 'static,
    {
        self.app
            .override_transport(std::rc::Rc::new(FnTransport(transport)));
        self
    }

    /// Gives the app this configuration, in place of the host's
    /// `wasi:config` (see [`Settings`](crate::config::Settings)).
    ///
    /// ```
    /// use serde::Deserialize;
    /// use wafer::config::Settings;
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App};
    ///
    /// #[derive(Deserialize, Clone)]
    /// struct Limits { max_items: u32 }
    ///
    /// #[get("/max")]
    /// fn max(Settings(limits): Settings<Limits>) -> String {
    ///     limits.max_items.to_string()
    /// }
    ///
    /// let mut client = TestClient::new(App::new().routes(wafer::routes![max]));
    /// client.config([("max_items", "25")]);
    /// assert_eq!(client.get("/max").send().text(), "25");
    /// client.config([("max_items", "many")]);
    /// assert_eq!(client.get("/max").send().status(), 500);
    /// ```
    pub fn config<K: Into<String>, V: Into<String>>(
        &mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        self.app.override_config(
            pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        );
        self
    }

    /// The store `name` the app's requests use, in memory: to put data in
    /// before a test and look at it after.
    ///
    /// ```
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App, Store, HttpError};
    ///
    /// #[get("/greeting")]
    /// fn greeting(store: Store) -> Result<String, HttpError> {
    ///     Ok(store.get_json::<String>("greeting")?.unwrap_or_default())
    /// }
    ///
    /// let client = TestClient::new(App::new().routes(wafer::routes![greeting]));
    /// client.store("default").set_json("greeting", "hi").expect("set");
    /// assert_eq!(client.get("/greeting").send().text(), "hi");
    /// ```
    ///
    /// # Panics
    ///
    /// Never for the memory stores of tests (natively).
    pub fn store(&self, name: &str) -> crate::kv::Store {
        let opener = self
            .app
            .stores()
            .unwrap_or_else(|| panic!("store {name:?}: the app has no test stores"));
        crate::kv::Stores::new(opener)
            .open(name)
            .unwrap_or_else(|error| panic!("store {name:?}: {error}"))
    }

    /// The app's OpenAPI document, as the component's `wafer:app/metadata`
    /// export returns it.
    pub fn openapi(&self) -> Value {
        self.app.openapi()
    }

    /// Checks the app's OpenAPI document against a golden file, so that every
    /// change to the generated API shows up in review. With the environment
    /// variable `WAFER_BLESS=1` set, it writes the file instead.
    ///
    /// # Panics
    ///
    /// If the document differs from the file, or the file cannot be read or
    /// written.
    ///
    /// ```no_run
    /// # let client = wafer::testing::TestClient::new(wafer::App::new());
    /// client.assert_openapi_matches(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));
    /// ```
    pub fn assert_openapi_matches(&self, golden: impl AsRef<std::path::Path>) {
        let golden = golden.as_ref();
        let mut document = serde_json::to_string_pretty(&self.openapi()).unwrap_or_default();
        document.push('\n');
        if std::env::var_os("WAFER_BLESS").is_some() {
            std::fs::write(golden, &document)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", golden.display()));
            return;
        }
        let expected = std::fs::read_to_string(golden).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}; run with WAFER_BLESS=1 to create it",
                golden.display()
            )
        });
        if expected != document {
            panic!(
                "the OpenAPI document differs from {}; if the change is intended, run the tests \
                 with WAFER_BLESS=1 and review the diff.\n--- generated ---\n{document}",
                golden.display()
            );
        }
    }

    /// Starts a request with any method.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method,
            uri: uri.to_owned(),
            headers: HeaderMap::new(),
            body: Vec::new(),
        }
    }

    /// Starts a GET request.
    pub fn get(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::GET, uri)
    }

    /// Starts a POST request.
    pub fn post(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::POST, uri)
    }

    /// Starts a PUT request.
    pub fn put(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::PUT, uri)
    }

    /// Starts a PATCH request.
    pub fn patch(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::PATCH, uri)
    }

    /// Starts a DELETE request.
    pub fn delete(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::DELETE, uri)
    }

    /// Starts a HEAD request: the route of `HEAD`, or else of `GET`.
    pub fn head(&self, uri: &str) -> TestRequest<'_> {
        self.request(Method::HEAD, uri)
    }
}

/// A request being built; [`TestRequest::send`] sends it.
pub struct TestRequest<'c> {
    client: &'c TestClient,
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// One part of a multipart form body, for [`TestRequest::multipart`].
#[derive(Debug, Clone)]
pub struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl Part {
    /// A text field.
    pub fn text(name: &str, value: &str) -> Part {
        Part {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            bytes: value.as_bytes().to_vec(),
        }
    }

    /// A file, with its name and content type.
    pub fn file(name: &str, filename: &str, content_type: &str, bytes: &[u8]) -> Part {
        Part {
            name: name.to_owned(),
            filename: Some(filename.to_owned()),
            content_type: Some(content_type.to_owned()),
            bytes: bytes.to_vec(),
        }
    }
}

impl TestRequest<'_> {
    /// Adds a header.
    ///
    /// # Panics
    ///
    /// If the name or value is not valid HTTP: a mistake in the test.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name =
            HeaderName::try_from(name).unwrap_or_else(|e| panic!("header name {name:?}: {e}"));
        let value =
            HeaderValue::try_from(value).unwrap_or_else(|e| panic!("header value {value:?}: {e}"));
        self.headers.append(name, value);
        self
    }

    /// Sends a cookie: adds `name=value` to the request's `Cookie` header,
    /// as a browser joins the cookies it holds.
    ///
    /// ```
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App, Cookie};
    ///
    /// #[get("/theme")]
    /// fn theme(theme: Cookie<String>) -> String {
    ///     theme.0
    /// }
    ///
    /// let client = TestClient::new(App::new().routes(wafer::routes![theme]));
    /// let answer = client.get("/theme").cookie("theme", "dark").cookie("x", "1").send();
    /// assert_eq!(answer.text(), "dark");
    /// ```
    ///
    /// # Panics
    ///
    /// If the cookie does not make a valid header: a mistake in the test.
    pub fn cookie(mut self, name: &str, value: &str) -> Self {
        let joined = match self.headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
            Some(cookies) => format!("{cookies}; {name}={value}"),
            None => format!("{name}={value}"),
        };
        let joined = HeaderValue::try_from(&joined)
            .unwrap_or_else(|e| panic!("cookie {name:?}={value:?}: {e}"));
        self.headers.insert(COOKIE, joined);
        self
    }

    /// Sets a JSON body and `content-type: application/json`.
    ///
    /// # Panics
    ///
    /// If `value` cannot be serialized.
    pub fn json(mut self, value: &impl Serialize) -> Self {
        self.body = serde_json::to_vec(value).unwrap_or_else(|e| panic!("JSON body: {e}"));
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self
    }

    /// Sets a form body of `fields` (in order, names may repeat) and
    /// `content-type: application/x-www-form-urlencoded`, as a browser
    /// submits a form.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        self.body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
            .into_bytes();
        self.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self
    }

    /// Sets a `multipart/form-data` body of `parts` (text fields and
    /// files), as a browser submits a form with files.
    ///
    /// # Panics
    ///
    /// If a part holds the boundary: a mistake in the test.
    pub fn multipart(mut self, parts: &[Part]) -> Self {
        const BOUNDARY: &str = "wafer-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for part in parts {
            assert!(
                !part
                    .bytes
                    .windows(BOUNDARY.len())
                    .any(|w| w == BOUNDARY.as_bytes()),
                "part {:?} holds the multipart boundary",
                part.name
            );
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
            if let Some(filename) = &part.filename {
                disposition.push_str(&format!("; filename=\"{filename}\""));
            }
            body.extend_from_slice(disposition.as_bytes());
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(format!("\r\nContent-Type: {content_type}").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(&part.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.body = body;
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.headers.insert(
            CONTENT_TYPE,
            HeaderValue::try_from(content_type).unwrap_or_else(|e| panic!("content type: {e}")),
        );
        self
    }

    /// Sets the raw body (no content type is added).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request and returns the response, its body read to the
    /// end (a streamed one too). The answer to a `HEAD` has no body, as over
    /// HTTP.
    ///
    /// # Panics
    ///
    /// If the URI is not valid: a mistake in the test.
    pub fn send(self) -> TestResponse {
        let head = self.method == Method::HEAD;
        let mut stream = self.stream();
        let status = stream.status;
        let mut body = Vec::new();
        if !head {
            while let Some(chunk) = stream.next_chunk() {
                body.extend_from_slice(&chunk);
            }
        }
        let headers = std::mem::take(&mut stream.headers);
        let error = stream.error.take();
        // The background tasks run as the stream goes, before the response
        // is handed to the test, as in FastAPI's `TestClient`.
        drop(stream);
        TestResponse::new(status, headers, body, error)
    }

    /// Sends the request and returns the response as soon as the handler
    /// has made it, to read its body chunk by chunk or event by event, as a
    /// client of a streamed response does.
    ///
    /// ```
    /// use std::time::Duration;
    /// use wafer::future::{stream, Stream, StreamExt};
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App, Event, Sse};
    ///
    /// #[get("/ticks")]
    /// fn ticks() -> Sse<impl Stream<Item = Event>> {
    ///     Sse::new(stream::iter(0..3).map(|i| Event::default().id(i.to_string()).data("tick")))
    /// }
    ///
    /// let client = TestClient::new(App::new().routes(wafer::routes![ticks]));
    /// let mut events = client.get("/ticks").stream();
    /// assert_eq!(events.header("content-type"), Some("text/event-stream"));
    /// let first = events.next_event().expect("an event");
    /// assert_eq!((first.id.as_deref(), first.data.as_str()), (Some("0"), "tick"));
    /// assert_eq!(events.events().count(), 2);
    /// ```
    ///
    /// # Panics
    ///
    /// If the URI is not valid: a mistake in the test.
    pub fn stream(self) -> TestStream {
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = self
            .uri
            .parse()
            .unwrap_or_else(|e| panic!("URI {:?}: {e}", self.uri));
        *request.headers_mut() = self.headers;
        TestStream::new(block_on(self.client.app.respond(request)))
    }
}
