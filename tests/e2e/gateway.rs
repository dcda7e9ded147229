//! The gateway example: handlers that call other services, against a real
//! upstream on loopback, through the host's `wasi:http/outgoing-handler` and
//! its `allowed_outbound_hosts`.

use std::io::{Read, Write};
use std::net::TcpStream;
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

#[test]
fn background_work_runs_after_the_response() {
    let upstream = Upstream::start();
    let server = server(&upstream, &closed_port_url());
    let started = Instant::now();
    let reply = server.send(
        "POST",
        "/gateway/orders",
        &[
            ("content-type", "application/json"),
            ("x-request-id", "order-1"),
        ],
        br#"{"item":"tea","quantity":2}"#,
    );
    let answered = started.elapsed();
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert_eq!(reply.json(), json!({"accepted": true, "item": "tea"}));
    // The audit service takes 500 ms; the client did not wait for it.
    assert!(
        answered < Duration::from_millis(400),
        "answered after {answered:?}"
    );
    let audit = upstream
        .wait_for("/audit", Duration::from_secs(5))
        .expect("the background task called the audit service");
    assert_eq!(audit.body, br#"{"item":"tea","quantity":2}"#);
    assert_eq!(
        audit.headers.get("x-request-id").map(String::as_str),
        Some("order-1")
    );
    let invalid = server.post_json("/gateway/orders", r#"{"item":"","quantity":0}"#);
    assert_eq!(invalid.status, 422);
}

/// A raw HTTP/1.1 GET of `path`, read as it arrives: when each piece came
/// (since the request was sent), until the server closes or `enough` says
/// so.
fn read_as_it_arrives(
    server: &Server,
    path: &str,
    enough: impl Fn(&[u8]) -> bool,
) -> (Vec<(Duration, usize)>, Vec<u8>) {
    let address = server.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n"
    )
    .expect("send");
    let started = Instant::now();
    let mut received = Vec::new();
    let mut arrivals = Vec::new();
    let mut buffer = [0; 4096];
    while !enough(&received) {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => {
                received.extend_from_slice(&buffer[..read]);
                arrivals.push((started.elapsed(), received.len()));
            }
        }
    }
    (arrivals, received)
}

/// When the text `needle` had arrived.
fn arrived(arrivals: &[(Duration, usize)], received: &[u8], needle: &str) -> Option<Duration> {
    let end = find(received, needle.as_bytes())? + needle.len();
    arrivals
        .iter()
        .find(|(_, length)| *length >= end)
        .map(|(at, _)| *at)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[test]
fn server_sent_events_arrive_one_by_one() {
    let upstream = Upstream::start();
    let server = server(&upstream, &closed_port_url());
    let (arrivals, received) =
        read_as_it_arrives(&server, "/gateway/events?n=5&interval_ms=200", |_| false);
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        text.contains("content-type: text/event-stream\r\n"),
        "{text}"
    );
    assert!(text.contains("transfer-encoding: chunked\r\n"), "{text}");
    assert!(
        text.ends_with("0\r\n\r\n"),
        "the stream did not end cleanly: {text}"
    );
    let times: Vec<Duration> = (0..5)
        .map(|i| {
            arrived(&arrivals, &received, &format!("data: {{\"i\":{i}}}\n\n"))
                .unwrap_or_else(|| panic!("event {i} never arrived: {text}"))
        })
        .collect();
    // The first event is there before the handler has made the last, and
    // each comes about 200 ms after the one before it.
    assert!(times[0] < Duration::from_millis(500), "{times:?}");
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(120), "{times:?}");
    }
    assert!(
        times[4] - times[0] >= Duration::from_millis(750),
        "{times:?}"
    );
}

#[test]
fn a_client_that_goes_away_stops_the_stream() {
    let upstream = Upstream::start();
    let server = server(&upstream, &closed_port_url());
    let (_, received) = read_as_it_arrives(
        &server,
        "/gateway/events?n=1000&interval_ms=50",
        |received| find(received, b"data: {\"i\":1}").is_some(),
    );
    assert!(find(&received, b"data: {\"i\":0}").is_some());
    // The socket is closed here; the guest's next write fails and it stops.
    let log = server.wait_for_log("the client went away; the streamed response stopped");
    let line = log
        .lines()
        .find(|line| line.contains("the client went away"))
        .expect("the line");
    assert!(line.contains("component=gateway"), "{line}");
    assert!(line.contains("stream=\"stderr\""), "{line}");
    assert_eq!(server.get("/hello").status, 200);
}

#[test]
fn a_stream_longer_than_timeout_ms_is_cut_off_at_it() {
    let upstream = Upstream::start();
    let server = server(&upstream, &closed_port_url());
    let started = Instant::now();
    let (_, received) =
        read_as_it_arrives(&server, "/gateway/events?n=100&interval_ms=100", |_| false);
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&received);
    assert!(text.contains("data: {\"i\":10}"), "{text}");
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "a cut-off stream looked complete"
    );
    // timeout_ms is 5000 in this manifest: counted from the request.
    assert!(
        (Duration::from_millis(4500)..Duration::from_millis(8000)).contains(&elapsed),
        "cut off after {elapsed:?}"
    );
    server.wait_for_log("stopped, its response cut off");
    assert_eq!(server.get("/hello").status, 200);
}
