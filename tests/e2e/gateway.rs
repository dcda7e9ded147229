//! The gateway example: handlers that call other services, against a real
//! upstream on loopback, through the host's `wasi:http/outgoing-handler` and
//! its `allowed_outbound_hosts`.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::upstream::{Upstream, closed_port_url};
use crate::support::{Server, wasm};

/// A host with the gateway (its upstream allowed, and one closed port) and
/// hello.
fn server(upstream: &Upstream, closed: &str) -> Server {
    Server::with_manifest(&format!(
        "[[component]]\nname = \"gateway\"\nroute = \"/gateway/...\"\nsource = {:?}\n\
             environment = {{ UPSTREAM = {:?} }}\n\
             allowed_outbound_hosts = [{:?}, {:?}]\n\
             limits = {{ timeout_ms = 5000 }}\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
        wasm("gateway"),
        upstream.url,
        upstream.url,
        closed,
        wasm("hello"),
    ))
}

#[test]
fn fanout_calls_the_upstream_at_once_with_the_request_id() {
    let upstream = Upstream::start();
    let server = server(&upstream, &closed_port_url());
    let started = Instant::now();
    let reply = server.send(
        "GET",
        "/gateway/fanout?delays=300,300,300",
        &[("x-request-id", "fanout-1")],
        b"",
    );
    let elapsed = started.elapsed();
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let result = json!({"status": 200, "body": {"delay_ms": 300}});
    assert_eq!(body["results"], json!([result, result, result]));
    // One after the other they would take 900 ms; at once, 300 ms and the
    // overhead of a debug host.
    assert!(
        elapsed < Duration::from_millis(700),
        "three 300 ms calls took {elapsed:?}"
    );
    let calls: Vec<_> = upstream
        .seen()
        .into_iter()
        .filter(|seen| seen.path == "/delay/300")
        .collect();
    assert_eq!(calls.len(), 3);
    for call in &calls {
        assert_eq!(
            call.headers.get("x-request-id").map(String::as_str),
            Some("fanout-1")
        );
    }
    let first = calls.iter().map(|call| call.at).min().expect("calls");
    let last = calls.iter().map(|call| call.at).max().expect("calls");
    assert!(
        last - first < Duration::from_millis(150),
        "the calls arrived {:?} apart",
        last - first
    );
}

#[test]
fn echo_passes_the_json_body_on() {
    let upstream = Upstream::start();
    let server = server(&upstream, &closed_port_url());
    let reply = server.post_json("/gateway/echo", r#"{"order":[1,2,3],"note":"é"}"#);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({"order": [1, 2, 3], "note": "é"}));
    let seen = upstream
        .wait_for("/echo", Duration::from_secs(1))
        .expect("the upstream was called");
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.headers.get("content-type").map(String::as_str),
        Some("application/json")
    );
    assert_eq!(seen.body, r#"{"order":[1,2,3],"note":"é"}"#.as_bytes());
}

#[test]
fn denied_unreachable_and_slow_upstreams_get_their_statuses() {
    let upstream = Upstream::start();
    let closed = closed_port_url();
    let server = server(&upstream, &closed);
    let elsewhere = closed_port_url();
    let authority = elsewhere.trim_start_matches("http://");
    let cases = [
        (
            format!("/gateway/fetch?url={elsewhere}/x"),
            502,
            json!({"detail": format!("Bad Gateway: outbound requests to {authority} are not allowed")}),
        ),
        (
            format!("/gateway/fetch?url={closed}/x"),
            502,
            json!({"detail": "Bad Gateway"}),
        ),
        (
            "/gateway/fanout?delays=10,3000&timeout_ms=300".to_owned(),
            504,
            json!({"detail": "Gateway Timeout"}),
        ),
        (
            "/gateway/fetch?url=ftp://example.com/".to_owned(),
            500,
            json!({"detail": "Internal Server Error"}),
        ),
    ];
    for (path, status, detail) in cases {
        let started = Instant::now();
        let reply = server.get(&path);
        assert_eq!((reply.status, reply.json()), (status, detail), "GET {path}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "GET {path} took {:?}",
            started.elapsed()
        );
        assert_eq!(server.get("/hello").status, 200, "after GET {path}");
        let next = server.get("/gateway/fanout?delays=1");
        assert_eq!(next.status, 200, "after GET {path}: {}", next.body);
    }
    assert!(
        server.log().contains("outbound HTTP request denied"),
        "{}",
        server.log()
    );
    assert!(
        !upstream.seen().iter().any(|seen| seen.path == "/x"),
        "a denied request reached a server"
    );
}
