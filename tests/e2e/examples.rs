//! The examples, served together from `examples/wafer.toml`, answer exactly
//! what their FastAPI twins answer.

use std::sync::OnceLock;

use serde_json::json;

use crate::support::{Server, wasm, workspace};

/// One host for the tests that read from the examples: nothing changes it.
pub(crate) fn examples() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        // Builds the components the manifest points at.
        wasm("hello");
        let manifest = workspace().join("examples/wafer.toml");
        Server::wafer(&[manifest.to_str().expect("UTF-8 path")])
    })
}

#[test]
fn hello_says_hello() {
    let reply = examples().get("/hello");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("content-length"), Some("19"));
    assert_eq!(reply.body, r#"{"message":"hello"}"#);

    let reply = examples().get("/hello/ann%20lee");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, r#"{"message":"hello, ann lee"}"#);
}

#[test]
fn items_reads_and_creates() {
    let reply = examples().get("/items/5?q=x");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, r#"{"id":5,"q":"x"}"#)
    );

    let reply = examples().post_json("/items", r#"{"name": "hammer", "price": "9.5"}"#);
    assert_eq!(reply.status, 201);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, r#"{"name":"hammer","price":9.5,"tags":[]}"#);

    let reply = examples().get("/items?skip=1&limit=1");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, r#"[{"name":"saw","price":14.0,"tags":[]}]"#);
}

#[test]
fn bodies_are_read_however_they_are_framed() {
    // The SDK skips reading a body only where HTTP says there is none.
    let chunked = crate::support::client::raw(
        &examples().url,
        "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
         e\r\n{\"name\": \"saw\"\r\n\
         e\r\n, \"price\": 14}\r\n\
         0\r\n\r\n",
    );
    assert!(chunked.starts_with("HTTP/1.1 201"), "{chunked}");
    assert!(
        chunked.ends_with(r#"{"name":"saw","price":14.0,"tags":[]}"#),
        "{chunked}"
    );
    // A body without one declared, on a POST, is a missing body.
    let answer = crate::support::client::raw(
        &examples().url,
        "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 422"), "{answer}");
    // A GET's body is read too when it has one, and means nothing here.
    let answer = crate::support::client::raw(
        &examples().url,
        "GET /items/5?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nnull",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"id":5,"q":"x"}"#), "{answer}");
}

#[test]
fn invalid_path_and_query_values_are_422() {
    let reply = examples().get("/items/abc");
    assert_eq!(reply.status, 422);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#
    );

    let reply = examples().get("/items?skip=-1&limit=x");
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"detail": [
            {"type": "greater_than_equal", "loc": ["query", "skip"], "msg": "Input should be greater than or equal to 0", "input": "-1", "ctx": {"ge": 0}},
            {"type": "int_parsing", "loc": ["query", "limit"], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "x"},
        ]})
    );
}

#[test]
fn invalid_bodies_are_422_with_every_error() {
    let reply = examples().post_json("/items", "{bad");
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#
    );

    let reply = examples().post_json("/items", r#"{"tags": "x"}"#);
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"tags":"x"}},{"type":"missing","loc":["body","price"],"msg":"Field required","input":{"tags":"x"}},{"type":"list_type","loc":["body","tags"],"msg":"Input should be a valid list","input":"x"}]}"#
    );

    let reply = examples().post_json("/items", r#"{"name": ["x"], "price": "cheap"}"#);
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":["x"]},{"type":"float_parsing","loc":["body","price"],"msg":"Input should be a valid number, unable to parse string as a number","input":"cheap"}]}"#
    );

    let reply = examples().send("POST", "/items", &[], b"");
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#
    );
}

#[test]
fn constraints_are_enforced_as_fastapi_enforces_them() {
    let reply = examples().post_json("/items", r#"{"name": "", "price": 0}"#);
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},{"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0.0}}]}"#
    );
    let reply = examples().get("/items/0");
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        r#"{"detail":[{"type":"greater_than_equal","loc":["path","item_id"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]}"#
    );
}

#[test]
fn unknown_paths_and_methods() {
    // No component serves it: the host answers.
    let reply = examples().get("/nowhere");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (404, r#"{"detail":"Not Found"}"#)
    );
    assert_eq!(reply.header("content-type"), Some("application/json"));

    // The component serves the prefix but not this path: the guest answers.
    let reply = examples().get("/items/5/extra");
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (404, r#"{"detail":"Not Found"}"#)
    );

    let reply = examples().send("DELETE", "/items/5", &[], b"");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET"));
    assert_eq!(reply.body, r#"{"detail":"Method Not Allowed"}"#);

    let reply = examples().send("PUT", "/items", &[], b"");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, POST"));

    // Methods are case-sensitive, and one the SDK has no route for is never
    // read as another: `get` and `FOO` are 405 from the guest; HEAD is GET
    // without the body.
    for method in ["get", "FOO"] {
        let answer = crate::support::client::raw(
            &examples().url,
            &format!("{method} /hello HTTP/1.1\r\nhost: wafer\r\nconnection: close\r\n\r\n"),
        );
        assert!(answer.starts_with("HTTP/1.1 405 "), "{method}: {answer}");
        assert!(
            answer.ends_with(r#"{"detail":"Method Not Allowed"}"#),
            "{method}: {answer}"
        );
    }
    let head = crate::support::client::raw(
        &examples().url,
        "HEAD /hello HTTP/1.1\r\nhost: wafer\r\nconnection: close\r\n\r\n",
    );
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert!(head.contains("content-length: 19\r\n"), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "no body: {head}");
}

#[test]
fn bodies_over_the_limit_are_413() {
    // The host refuses by the declared length, before the body is sent.
    let answer = crate::support::client::raw(
        &examples().url,
        "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.ends_with(r#"{"detail":"Payload Too Large"}"#),
        "{answer}"
    );
    // Without a declared length the guest's own limit applies.
    let big = format!(r#"{{"name": "{}", "price": 1}}"#, "x".repeat(2 << 20));
    let reply = examples().send(
        "POST",
        "/items",
        &[
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
        ],
        big.as_bytes(),
    );
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (413, r#"{"detail":"Payload Too Large"}"#)
    );
    // The rest of the body was never read: the connection cannot serve
    // another request, and the response says so.
    assert_eq!(reply.header("connection"), Some("close"));
    // The host serves the next request as usual.
    assert_eq!(examples().get("/hello").status, 200);
}
