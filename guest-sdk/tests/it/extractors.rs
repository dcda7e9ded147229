//! Extractors and responses beyond what the FastAPI oracle covers.

use serde::Deserialize;
use serde_json::json;
use wafer::extract::{Argument, FromRequest, Rejection};
use wafer::http::{HeaderMap, Method, StatusCode};
use wafer::testing::TestClient;
use wafer::{App, Header, HttpError, Json, Path, Query, RequestContext, State, get, post};

#[get("/pairs/{left}/{right}")]
fn pair(Path((left, right)): Path<(u8, String)>) -> String {
    format!("{left}:{right}")
}

#[derive(Deserialize)]
struct Tracing {
    x_request_id: String,
    x_sampled: Option<bool>,
    x_tenant: String,
}

#[get("/traced")]
fn traced(Header(tracing): Header<Tracing>) -> Json<serde_json::Value> {
    Json(
        json!({"id": tracing.x_request_id, "sampled": tracing.x_sampled, "tenant": tracing.x_tenant}),
    )
}

#[get("/raw")]
fn raw(method: Method, headers: HeaderMap, uri: wafer::http::Uri) -> String {
    format!("{method} {uri} {}", headers.len())
}

/// Needs a state that the app below never registers.
#[get("/unconfigured")]
fn unconfigured(State(name): State<String>) -> String {
    name
}

struct User;

impl FromRequest for User {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        match cx.headers().get("x-user") {
            Some(_) => Ok(User),
            None => Err(HttpError::unauthorized("Not authenticated")
                .with_header("www-authenticate", "Bearer")
                .into()),
        }
    }
}

#[post("/guarded/{id}", status = 202)]
fn guarded(_user: User, id: Path<u32>, limit: Query<u8>) -> String {
    format!("{} {}", *id, *limit)
}

#[post("/echo")]
fn echo(body: Vec<u8>) -> (StatusCode, [(&'static str, &'static str); 1], Vec<u8>) {
    (StatusCode::CREATED, [("x-echo", "yes")], body)
}

#[post("/text")]
fn text(body: String) -> String {
    body
}

#[post("/model")]
fn model(item: Json<serde_json::Value>) -> Json<serde_json::Value> {
    item
}

#[get("/boom")]
fn boom() -> &'static str {
    panic!("boom")
}

fn client() -> TestClient {
    TestClient::new(App::new().max_body_size(64).routes(wafer::routes![
        pair,
        traced,
        raw,
        unconfigured,
        guarded,
        echo,
        text,
        model,
        boom,
    ]))
}

#[test]
fn path_tuples_are_positional_and_located_by_name() {
    assert_eq!(client().get("/pairs/7/x").send().text(), "7:x");
    let response = client().get("/pairs/300/x").send();
    assert_eq!(response.status(), 422);
    assert_eq!(response.json()["detail"][0]["loc"], json!(["path", "left"]));
    assert_eq!(response.json()["detail"][0]["type"], "less_than_equal");
}

#[test]
fn header_structs_read_headers_by_field_name() {
    let response = client()
        .get("/traced")
        .header("X-Request-Id", "abc")
        .header("x-sampled", "yes")
        .header("x-tenant", "t1")
        .send();
    assert_eq!(
        response.json(),
        json!({"id": "abc", "sampled": true, "tenant": "t1"})
    );
    // A struct of headers is a FastAPI header model: a missing field's
    // input is every header sent.
    let response = client().get("/traced").header("x_tenant", "t1").send();
    assert_eq!(
        response.json(),
        json!({"detail": [
            {"type": "missing", "loc": ["header", "x-request-id"], "msg": "Field required", "input": {"x_tenant": "t1"}},
            {"type": "missing", "loc": ["header", "x-tenant"], "msg": "Field required", "input": {"x_tenant": "t1"}},
        ]})
    );
}

#[test]
fn method_uri_and_headers_as_they_came() {
    let response = client().get("/raw?a=1").header("x-a", "1").send();
    assert_eq!(response.text(), "GET /raw?a=1 1");
}

#[test]
fn a_missing_state_is_a_500() {
    let response = client().get("/unconfigured").send();
    assert_eq!(response.status(), 500);
    assert_eq!(response.text(), r#"{"detail":"Internal Server Error"}"#);
}

#[test]
fn a_rejecting_dependency_ends_the_request_before_validation_errors() {
    let response = client().post("/guarded/x?limit=y").send();
    assert_eq!(response.status(), 401);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    assert_eq!(response.text(), r#"{"detail":"Not authenticated"}"#);

    let response = client()
        .post("/guarded/x?limit=y")
        .header("x-user", "ann")
        .send();
    assert_eq!(response.status(), 422);
    let locs: Vec<_> = response.json()["detail"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["loc"].clone())
        .collect();
    assert_eq!(locs, [json!(["path", "id"]), json!(["query", "limit"])]);

    let response = client()
        .post("/guarded/5?limit=3")
        .header("x-user", "ann")
        .send();
    assert_eq!(
        (response.status(), response.text().as_str()),
        (StatusCode::ACCEPTED, "5 3")
    );
}

#[test]
fn raw_bodies_and_tuple_responses() {
    let response = client().post("/echo").body(b"\x00\xff".to_vec()).send();
    assert_eq!(response.status(), 201);
    assert_eq!(response.header("x-echo"), Some("yes"));
    assert_eq!(
        response.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(response.header("content-length"), Some("2"));
    assert_eq!(response.bytes(), b"\x00\xff");

    let response = client().post("/text").body(b"\xff".to_vec()).send();
    assert_eq!(response.status(), 400);
}

#[test]
fn bodies_that_are_not_utf8_json_or_too_large() {
    let response = client()
        .post("/model")
        .header("content-type", "application/json")
        .body(b"{\"a\": \"\xff\"}".to_vec())
        .send();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.text(),
        r#"{"detail":"There was an error parsing the body"}"#
    );

    let response = client().post("/model").json(&"x".repeat(100)).send();
    assert_eq!(response.status(), 413);
    assert_eq!(response.text(), r#"{"detail":"Payload Too Large"}"#);
}

#[test]
fn a_panicking_handler_is_a_500() {
    let response = client().get("/boom").send();
    assert_eq!(response.status(), 500);
    assert_eq!(response.text(), r#"{"detail":"Internal Server Error"}"#);
}

#[test]
#[should_panic(expected = "cannot add route `pair`: GET /pairs/{left}/{right} is registered twice")]
fn registering_a_route_twice_panics_with_its_name() {
    let _ = App::new().routes(wafer::routes![pair, pair]);
}
