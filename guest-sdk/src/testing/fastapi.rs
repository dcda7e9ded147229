//! Answers compared with a FastAPI twin's: requests recorded with FastAPI's
//! answers, replayed to an [`App`] through [`TestClient`].
//!
//! A folder holds `cases.json`, the requests (`method`, `path`, and
//! optionally `headers` and `body`), and `answers.json`, FastAPI's answers to
//! them (`status`, `body`, and the [`RECORDED_HEADERS`] it sent), which
//! `guest-sdk/tests/fastapi/record.py` writes from the twin app:
//!
//! ```text
//! python3 guest-sdk/tests/fastapi/record.py examples/shop/fastapi_app.py examples/shop/oracle
//! ```
//!
//! ```no_run
//! # fn app() -> wafer::App { wafer::App::new() }
//! #[test]
//! fn answers_like_fastapi() {
//!     let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/oracle");
//!     wafer::testing::fastapi::assert_answers_like_fastapi(app(), folder.as_ref());
//! }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use http::Method;
use serde::{Deserialize, Serialize};

use super::TestClient;
use crate::app::App;

/// The response headers `record.py` records, compared as FastAPI sent them
/// (absent ones too).
pub const RECORDED_HEADERS: [&str; 3] = ["location", "set-cookie", "www-authenticate"];

/// One recorded request.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Case {
    /// Its method.
    pub method: String,
    /// Its path and query, as sent.
    pub path: String,
    /// Its headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Its body.
    #[serde(default)]
    pub body: String,
}

impl Case {
    /// The headers to send: the case's, and `host: testserver` where it
    /// names no host, as FastAPI's `TestClient` sends it (a trailing-slash
    /// redirect writes it into its location).
    pub fn headers_to_send(&self) -> Vec<(&str, &str)> {
        let mut headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            headers.push(("host", "testserver"));
        }
        headers
    }

    /// What tells `expected` and `answer` apart, for a test's message.
    pub fn describe_difference(&self, expected: &Answer, answer: &Answer) -> String {
        format!(
            "{} {} {:?} {:?}\n  FastAPI: {} {} {:?}\n  Wafer:   {} {} {:?}",
            self.method,
            self.path,
            self.headers,
            self.body,
            expected.status,
            expected.body,
            expected.headers,
            answer.status,
            answer.body,
            answer.headers,
        )
    }
}

/// FastAPI's answer to a [`Case`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Its body, as text.
    pub body: String,
    /// The [`RECORDED_HEADERS`] it sent, each with its values in order.
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
}

impl Answer {
    /// An answer as `record.py` records it: the status, the body, and of the
    /// headers (in the order received) the [`RECORDED_HEADERS`].
    pub fn new<'h>(
        status: u16,
        headers: impl IntoIterator<Item = (&'h str, String)>,
        body: String,
    ) -> Answer {
        let mut recorded: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in headers {
            if let Some(name) = RECORDED_HEADERS
                .iter()
                .find(|recorded| recorded.eq_ignore_ascii_case(name))
            {
                recorded.entry((*name).to_owned()).or_default().push(value);
            }
        }
        Answer {
            status,
            body,
            headers: recorded,
        }
    }
}

/// The cases of `folder` with FastAPI's answers to them.
///
/// # Panics
///
/// If a file is missing or not as `record.py` writes it, or the two files do
/// not hold as many entries (the answers were not recorded again).
pub fn recorded(folder: &Path) -> Vec<(Case, Answer)> {
    fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> T {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }
    let cases: Vec<Case> = read(&folder.join("cases.json"));
    let answers: Vec<Answer> = read(&folder.join("answers.json"));
    assert_eq!(
        cases.len(),
        answers.len(),
        "{}: record.py was not run again after cases.json changed",
        folder.display()
    );
    cases.into_iter().zip(answers).collect()
}

/// Each recorded case of `folder` that `app` answers otherwise than FastAPI
/// did, described with both answers; empty when all agree.
///
/// The case's headers are sent as [`Case::headers_to_send`] says.
pub fn differences(app: App, folder: &Path) -> Vec<String> {
    let client = TestClient::new(app);
    let mut differences = Vec::new();
    for (case, expected) in recorded(folder) {
        let answer = answer(&client, &case);
        if answer != expected {
            differences.push(case.describe_difference(&expected, &answer));
        }
    }
    differences
}

/// Checks that `app` answers every recorded case of `folder` as FastAPI did.
///
/// # Panics
///
/// Listing each case answered otherwise, with both answers (see
/// [`differences`]).
pub fn assert_answers_like_fastapi(app: App, folder: &Path) {
    let differences = differences(app, folder);
    assert!(
        differences.is_empty(),
        "{} answers differ from FastAPI's:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// What `client`'s app answers to `case`, recorded as `record.py` records.
fn answer(client: &TestClient, case: &Case) -> Answer {
    let Ok(method) = Method::from_bytes(case.method.as_bytes()) else {
        panic!("{:?} is not an HTTP method", case.method);
    };
    let mut request = client.request(method, &case.path).body(case.body.clone());
    for (name, value) in case.headers_to_send() {
        request = request.header(name, value);
    }
    let response = request.send();
    let headers = response.headers().iter().map(|(name, value)| {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        (name.as_str(), value)
    });
    Answer::new(response.status().as_u16(), headers, response.text())
}
