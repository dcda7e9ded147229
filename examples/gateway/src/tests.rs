//! The gateway's routes against a test double of its upstream.

use std::time::Duration;

use serde_json::{Value, json};
use wafer::client::{ClientError, ErrorKind};
use wafer::testing::TestClient;

use super::app_for;

/// The upstream `upstream.py` is, in-process: `/delay/{ms}` and `/echo`.
fn client() -> TestClient {
    let mut client = TestClient::new(app_for("http://upstream.test/"));
    client.override_outbound(|request| async move {
        let path = request.uri().path().to_owned();
        if let Some(ms) = path.strip_prefix("/delay/") {
            let ms: u64 = ms.parse().expect("delay");
            wafer::time::sleep(Duration::from_millis(ms)).await;
            let body = serde_json::to_vec(&json!({"delay_ms": ms})).expect("json");
            return Ok(http::Response::new(body));
        }
        match path.as_str() {
            "/echo" => Ok(http::Response::builder()
                .status(201)
                .body(request.into_body())
                .expect("response")),
            "/down" => Err(ClientError::new(ErrorKind::Connect, "connection refused")),

            _ => Ok(http::Response::builder()
                .status(404)
                .body(b"{}".to_vec())
                .expect("response")),
        }
    });
    client
}

#[test]
fn fanout_calls_the_upstream_at_once() {
    let response = client().get("/gateway/fanout?delays=100,100,100").send();
    assert_eq!(response.status(), 200);
    let body: Value = response.json();
    assert_eq!(body["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        body["results"][0],
        json!({"status": 200, "body": {"delay_ms": 100}})
    );
    let elapsed = body["elapsed_ms"].as_u64().expect("elapsed_ms");
    assert!(elapsed < 250, "three 100 ms calls took {elapsed} ms");
}

#[test]
fn a_slow_upstream_is_a_504() {
    let response = client()
        .get("/gateway/fanout?delays=10,500&timeout_ms=100")
        .send();
    assert_eq!(response.status(), 504);
    assert_eq!(response.json(), json!({"detail": "Gateway Timeout"}));
}

#[test]
fn echo_passes_the_body_and_status_on() {
    let response = client()
        .post("/gateway/echo")
        .json(&json!({"a": [1, 2]}))
        .send();
    assert_eq!(response.status(), 201);
    assert_eq!(response.json(), json!({"a": [1, 2]}));
}

#[test]
fn bad_queries_are_fastapis_422() {
    let response = client().get("/gateway/fanout?delays=1,x").send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json()["detail"][0]["type"],
        "string_pattern_mismatch"
    );
    let seventeen = vec!["1"; 17].join(",");
    let too_many = client()
        .get(&format!("/gateway/fanout?delays={seventeen}"))
        .send();
    assert_eq!(too_many.status(), 422);
    let huge = client()
        .get("/gateway/fanout?delays=1&timeout_ms=9223372036854775808")
        .send();
    assert_eq!(huge.json()["detail"][0]["type"], "less_than_equal");
    for url in [
        "",
        "ftp://x/",
        "http://",
        "http://a%20b/",
        "http://a:99999/",
    ] {
        let response = client().get(&format!("/gateway/fetch?url={url}")).send();
        assert_eq!(response.status(), 422, "url={url:?}");
    }
    let highest = client()
        .get("/gateway/fetch?url=http://upstream.test:65535/x")
        .send();
    assert_eq!(highest.status(), 200);
}

#[test]
fn the_request_id_goes_along() {
    let mut client = TestClient::new(app_for("http://upstream.test"));
    client.override_outbound(|request| async move {
        let id = request.headers()["x-request-id"]
            .to_str()
            .expect("id")
            .to_owned();
        Ok(http::Response::new(format!("{id:?}")))
    });
    let response = client
        .get("/gateway/fetch?url=http://upstream.test/id")
        .header("x-request-id", "req-7")
        .send();
    assert_eq!(response.json(), json!({"status": 200, "body": "\"req-7\""}));
}

#[test]
fn an_unreachable_upstream_is_a_502() {
    let response = client()
        .get("/gateway/fetch?url=http://upstream.test/down")
        .send();
    assert_eq!(response.status(), 502);
    assert_eq!(response.json(), json!({"detail": "Bad Gateway"}));
}

#[test]
fn events_arrive_one_by_one() {
    let client = client();
    let mut events = client.get("/gateway/events?n=3&interval_ms=50").stream();
    assert_eq!(events.status(), 200);
    assert_eq!(events.header("content-type"), Some("text/event-stream"));
    let started = std::time::Instant::now();
    let mut arrivals = Vec::new();
    for i in 0..3 {
        let event = events.next_event().expect("an event");
        assert_eq!(event.data, format!("{{\"i\":{i}}}"));
        arrivals.push(started.elapsed());
    }
    assert!(events.next_event().is_none());
    assert!(arrivals[0] < Duration::from_millis(40), "{arrivals:?}");
    assert!(arrivals[2] >= Duration::from_millis(100), "{arrivals:?}");
}

#[test]
fn too_many_events_are_a_422() {
    assert_eq!(client().get("/gateway/events?n=0").send().status(), 422);
    assert_eq!(client().get("/gateway/events?n=10001").send().status(), 422);
}

#[test]
fn the_openapi_document_matches_its_golden_file() {
    TestClient::new(app_for("http://upstream.test"))
        .assert_openapi_matches(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));
}

#[test]
fn orders_are_accepted_at_once_and_audited_after() {
    let audited = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let mut gateway = TestClient::new(app_for("http://upstream.test"));
    let record = audited.clone();
    gateway.override_outbound(move |request| {
        record
            .borrow_mut()
            .push((request.uri().to_string(), request.into_body()));
        async {
            Ok(http::Response::builder()
                .status(204)
                .body(Vec::new())
                .expect("response"))
        }
    });
    let response = gateway
        .post("/gateway/orders")
        .json(&json!({"item": "tea", "quantity": 2}))
        .send();
    assert_eq!(response.status(), 202);
    assert_eq!(
        *audited.borrow(),
        [(
            "http://upstream.test/audit".to_owned(),
            br#"{"item":"tea","quantity":2}"#.to_vec()
        )]
    );
    assert_eq!(response.json(), json!({"accepted": true, "item": "tea"}));
    let invalid = client()
        .post("/gateway/orders")
        .json(&json!({"item": "tea", "quantity": 0}))
        .send();
    assert_eq!(invalid.status(), 422);
}
