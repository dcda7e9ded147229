//! The HTTP client against a test transport: what it sends, and how what
//! comes back (or does not) is answered.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use serde_json::{Value, json};
use wafer::client::{ClientBody, ClientError, ErrorKind};
use wafer::future::stream;
use wafer::testing::TestClient;
use wafer::{App, Client, HttpError, Json, Query, get};

#[derive(serde::Deserialize)]
struct Target {
    url: String,
    header: Option<String>,
}

/// Fetches `url` (with an `x-extra` header if given) and answers with the
/// upstream's body as JSON.
#[get("/fetch")]
async fn fetch(Query(target): Query<Target>, http: Client) -> Result<Json<Value>, HttpError> {
    let mut request = http
        .get(&target.url)
        .query(&[("page", 2)])
        .timeout(Duration::from_millis(200));
    if let Some(value) = &target.header {
        request = request.header("x-extra", value.as_str());
    }
    Ok(Json(request.send().await?.json().await?))
}

/// Reads the upstream's body as a stream and counts its chunks.
#[get("/chunks")]
async fn chunks(http: Client) -> Result<String, HttpError> {
    use wafer::future::StreamExt as _;
    let response = http.get("http://upstream.test/chunks").send().await?;
    let mut stream = Box::pin(response.into_stream());
    let mut count = 0;
    while let Some(chunk) = stream.next().await {
        chunk?;
        count += 1;
    }
    Ok(count.to_string())
}

fn client(seen: &Rc<RefCell<Vec<wafer::http::Request<Vec<u8>>>>>) -> TestClient {
    let mut client = TestClient::new(App::new().routes(wafer::routes![fetch, chunks]));
    let record = seen.clone();
    client.override_outbound(move |request: wafer::http::Request<Vec<u8>>| {
        let path = request.uri().path().to_owned();
        record.borrow_mut().push(request);
        async move {
            match path.as_str() {
                "/big" => Ok(wafer::http::Response::new(ClientBody::from(vec![
                    b'1';
                    17 << 20
                ]))),
                "/slow-body" => Ok(wafer::http::Response::new(ClientBody::from_stream(
                    stream::once(async {
                        wafer::time::sleep(Duration::from_secs(5)).await;
                        Ok(b"{}".to_vec())
                    }),
                ))),
                "/chunks" => Ok(wafer::http::Response::new(ClientBody::from_stream(
                    stream::iter([Ok(b"a".to_vec()), Ok(b"b".to_vec()), Ok(b"c".to_vec())]),
                ))),
                "/not-json" => Ok(wafer::http::Response::new(ClientBody::from("<html>"))),
                "/denied" => Err(ClientError::denied("upstream.test")),
                _ => Ok(wafer::http::Response::new(ClientBody::from(
                    r#"{"ok":true}"#,
                ))),
            }
        }
    });
    client
}

#[test]
fn the_request_is_sent_as_built() {
    let seen = Rc::default();
    let response = client(&seen)
        .get("/fetch?url=http://upstream.test/a%2520b?x=1&header=v")
        .header("x-request-id", "r-1")
        .send();
    assert_eq!(response.json(), json!({"ok": true}));
    let seen = seen.borrow();
    assert_eq!(seen[0].uri(), "http://upstream.test/a%20b?x=1&page=2");
    assert_eq!(seen[0].headers()["x-extra"], "v");
    assert_eq!(seen[0].headers()["x-request-id"], "r-1");
}

#[test]
fn hostile_or_broken_answers_get_a_gateways_status() {
    let seen = Rc::default();
    let client = client(&seen);
    let status = |url: &str| client.get(&format!("/fetch?url={url}")).send();
    // Over the client's 16 MiB default.
    let big = status("http://upstream.test/big");
    assert_eq!(
        (big.status().as_u16(), big.json()),
        (502, json!({"detail": "Bad Gateway"}))
    );
    // The body's timeout runs on after the head.
    let slow = status("http://upstream.test/slow-body");
    assert_eq!(slow.status(), 504);
    assert_eq!(status("http://upstream.test/not-json").status(), 502);
    let denied = status("http://upstream.test/denied");
    assert_eq!(
        denied.json(),
        json!({"detail": "Bad Gateway: outbound requests to upstream.test are not allowed"})
    );
    // Mistakes in the handler's request: 500, and nothing is sent.
    let sent = seen.borrow().len();
    assert_eq!(status("ftp://upstream.test/x").status(), 500);
    assert_eq!(status("/relative").status(), 500);
    let injected = client
        .get("/fetch?url=http://upstream.test/&header=a%0D%0Ab:%20c")
        .send();
    assert_eq!(injected.status(), 500);
    assert_eq!(
        seen.borrow().len(),
        sent,
        "a request that could not be built was sent"
    );
}

#[test]
fn a_response_body_can_be_read_as_it_arrives() {
    let seen = Rc::default();
    assert_eq!(client(&seen).get("/chunks").send().text(), "3");
}

#[test]
fn errors_say_what_kind_they_are() {
    assert!(ClientError::timeout().is_timeout());
    assert_eq!(ClientError::denied("x").kind(), ErrorKind::Denied);
    assert!(
        ClientError::new(ErrorKind::Dns, "no such host")
            .to_string()
            .contains("no such host")
    );
}
