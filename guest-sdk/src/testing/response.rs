//! [`TestResponse`]: a response as a test reads it.

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A response received by [`TestClient`](super::TestClient), its body read
/// whole.
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    body_error: Option<String>,
}

impl TestResponse {
    pub(super) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
        body_error: Option<String>,
    ) -> Self {
        TestResponse {
            status,
            headers,
            body,
            body_error,
        }
    }

    /// Why a streamed body was cut off before its end, if it was: the client
    /// got an incomplete body.
    pub fn body_error(&self) -> Option<&str> {
        self.body_error.as_deref()
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The value of the cookie `name` that the response sets (the last
    /// `Set-Cookie` for it), unquoted; `None` if it sets none.
    ///
    /// ```
    /// use wafer::testing::TestClient;
    /// use wafer::{get, App, SetCookie};
    ///
    /// #[get("/login")]
    /// fn login() -> (SetCookie, &'static str) {
    ///     (SetCookie::new("session", "a b"), "welcome")
    /// }
    ///
    /// let client = TestClient::new(App::new().routes(wafer::routes![login]));
    /// let answer = client.get("/login").send();
    /// assert_eq!(answer.header("set-cookie"), Some(r#"session="a b"; Path=/; SameSite=lax"#));
    /// assert_eq!(answer.cookie("session").as_deref(), Some("a b"));
    /// ```
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|header| {
                // The first part is the cookie; its value holds no `;`
                // (`SetCookie` escapes it).
                let pair = header.to_str().ok()?.split(';').next()?;
                let (found, value) = wafer_contract::cookie::pairs(pair).next()?;
                (found == name).then(|| value.into_owned())
            })
            .next_back()
    }

    /// The body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    ///
    /// # Panics
    ///
    /// If the body is not JSON.
    pub fn json(&self) -> Value {
        self.json_as()
    }

    /// The body as JSON, deserialized into `T`.
    ///
    /// # Panics
    ///
    /// If the body does not deserialize into `T`.
    pub fn json_as<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response body {:?} is not the JSON expected: {e}",
                self.text()
            )
        })
    }
}
