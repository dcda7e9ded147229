//! The gateway, natively, with a function in place of the network:
//! `cargo test`.

use serde_json::json;
use wafer::testing::TestClient;

/// The gateway, its upstream answering `{"path": ...}` and echoing `/echo`.
fn client() -> TestClient {
    let mut client = TestClient::new({{crate_name}}::app_for("http://upstream.test"));
    client.override_outbound(|request| async move {
        let body = match request.uri().path() {
            "/echo" => request.into_body(),
            "/missing" => {
                return Ok(wafer::http::Response::builder()
                    .status(404)
                    .body(b"no such thing".to_vec())
                    .expect("a response"));
            }
            path => serde_json::to_vec(&json!({"path": path})).expect("JSON"),
        };
        Ok(wafer::http::Response::new(body))
    });
    client
}

#[test]
fn passes_a_request_on() {
    let response = client().get("/fetch?path=/status").send();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json(),
        json!({"status": 200, "body": {"path": "/status"}})
    );
    let missing = client().get("/fetch?path=/missing").send();
    assert_eq!(
        missing.json(),
        json!({"status": 404, "body": "no such thing"})
    );
}

#[test]
fn fans_out() {
    let response = client().get("/fanout?paths=/a,/b").send();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json()["results"],
        json!([
            {"status": 200, "body": {"path": "/a"}},
            {"status": 200, "body": {"path": "/b"}}
        ])
    );
}

#[test]
fn echoes_through_the_upstream() {
    let response = client().post("/echo").json(&json!({"a": 1})).send();
    assert_eq!(response.json(), json!({"a": 1}));
}

#[test]
fn refuses_paths_that_are_not_paths() {
    let response = client().get("/fetch?path=http://evil.example/").send();
    assert_eq!(response.status(), 422);
}
