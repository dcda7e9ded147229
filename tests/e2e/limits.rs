//! Limits: whatever one guest does costs that request a specific error, never
//! the host, another component or the next request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::{Server, wasm};

/// `faulty` with tight limits, and `hello` with the defaults.
fn server() -> Server {
    Server::with_manifest(&format!(
        "[limits]\ntimeout_ms = 3000\n\n\
             [[component]]\nname = \"faulty\"\nroute = \"/faulty/...\"\nsource = {:?}\n\
             environment = {{ GREETING = \"hi\" }}\n\
             limits = {{ max_response_bytes = 3000000, cpu_ms = 1000, memory_mb = 32, concurrency = 2, max_body_bytes = 1000 }}\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
        wasm("faulty"),
        wasm("hello"),
    ))
}

#[test]
fn each_misbehaviour_gets_its_status_and_the_next_request_is_served() {
    let server = server();
    let cases: &[(&str, u16, &str)] = &[
        ("/faulty/loop", 504, r#"{"detail":"Gateway Timeout"}"#),
        (
            "/faulty/alloc",
            500,
            r#"{"detail":"Internal Server Error"}"#,
        ),
        (
            "/faulty/recurse",
            500,
            r#"{"detail":"Internal Server Error"}"#,
        ),
        ("/faulty/sleep/5000", 504, r#"{"detail":"Gateway Timeout"}"#),
        ("/faulty/sleep/10", 200, "slept"),
        ("/faulty/print", 200, "printed"),
        (
            "/faulty/file",
            200,
            "no file: No such file or directory (os error 44)",
        ),
        ("/faulty/env", 200, r#"None Some("hi")"#),
    ];
    for (path, status, body) in cases {
        let started = Instant::now();
        let reply = server.get(path);
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (*status, *body),
            "GET {path}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "GET {path} took {:?}",
            started.elapsed()
        );
        assert_eq!(server.get("/faulty/ok").body, "ok", "after GET {path}");
        assert_eq!(server.get("/hello").status, 200, "after GET {path}");
    }
    let socket = server.get("/faulty/socket");
    assert_eq!(socket.status, 200);
    assert!(socket.body.starts_with("no socket: "), "{}", socket.body);

    let big = server.get("/faulty/big/2");
    assert_eq!((big.status, big.body.len()), (200, 2 << 20));
    let too_big = server.get("/faulty/big/3");
    assert_eq!(
        (too_big.status, too_big.body.as_str()),
        (500, r#"{"detail":"Internal Server Error"}"#)
    );

    // The log is read from the host's stderr by another thread: wait for it.
    for limit in ["cpu_ms", "memory_mb", "timeout_ms", "max_response_bytes"] {
        server.wait_for_log(&format!("limit=\"{limit}\""));
    }
}

#[test]
fn bodies_over_the_limit_are_413_and_concurrency_is_bounded_with_503() {
    let server = server();
    let answer = crate::support::client::raw(
        &server.url,
        "POST /faulty/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.ends_with(r#"{"detail":"Payload Too Large"}"#),
        "{answer}"
    );
    // Without a length to refuse it by, the body is counted as it streams:
    // chunked over HTTP/1.1, or just sent over HTTP/2. The guest's read stops
    // at the limit and the host answers 413.
    let chunk = format!("3e8\r\n{}\r\n", "x".repeat(1000));
    let answer = crate::support::client::raw(
        &server.url,
        &format!(
            "POST /faulty/ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{}0\r\n\r\n",
            chunk.repeat(5)
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(
        answer.ends_with(r#"{"detail":"Payload Too Large"}"#),
        "{answer}"
    );
    assert_eq!(
        crate::support::h2::request_streamed(&server.url, "POST", "/faulty/ok", &[b'x'; 5000]),
        (413, r#"{"detail":"Payload Too Large"}"#.to_owned())
    );
    // Within the limit, streamed bodies reach the guest as before.
    assert_eq!(
        crate::support::h2::request_streamed(&server.url, "POST", "/faulty/ok", &[b'x'; 900]).0,
        405
    );
    let log = server.wait_for_log("status=413");
    assert!(
        log.lines()
            .filter(|line| line.contains("status=413"))
            .all(|line| line.contains("by=\"host\"")),
        "the host's 413s are logged as the host's:\n{log}"
    );

    // Two slow requests fill the component; a third is refused at once.
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let url = server.url.clone();
            std::thread::spawn(move || {
                crate::support::client::request(
                    "GET",
                    &format!("{url}/faulty/sleep/2000"),
                    &[],
                    b"",
                )
                .status
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let refused = server.get("/faulty/ok");
    assert_eq!(
        (
            refused.status,
            refused.header("retry-after"),
            refused.body.as_str()
        ),
        (503, Some("1"), r#"{"detail":"Service Unavailable"}"#)
    );
    assert_eq!(
        server.get("/hello").status,
        200,
        "other components are not affected"
    );
    for request in slow {
        assert_eq!(request.join().expect("request thread"), 200);
    }
    assert_eq!(server.get("/faulty/ok").status, 200);
}

#[test]
fn health_request_ids_and_header_limits() {
    let server = server();
    let health = server.get("/healthz");
    assert_eq!(
        (health.status, health.body.as_str()),
        (200, r#"{"status":"ok"}"#)
    );

    let reply = server.send("GET", "/hello", &[("x-request-id", "trace-42")], b"");
    assert_eq!(reply.header("x-request-id"), Some("trace-42"));
    let made = server.get("/hello");
    let id = made.header("x-request-id").expect("an id is made");
    assert_ne!(id, "trace-42");
    server.wait_for_log(&format!("request_id={id}"));

    let many: Vec<(String, String)> = (0..150)
        .map(|i| (format!("x-h{i}"), "v".to_owned()))
        .collect();
    let headers: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(server.send("GET", "/hello", &headers, b"").status, 431);
    assert_eq!(server.get("/hello").status, 200);
}

#[test]
fn slow_and_idle_clients_do_not_hold_up_others() {
    let server = server();
    let address = server.url.trim_start_matches("http://").to_owned();
    // Slowloris: headers a byte at a time.
    let slow = {
        let address = address.clone();
        std::thread::spawn(move || {
            let mut stream = TcpStream::connect(&address).expect("connect");
            for byte in b"GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " {
                if stream.write_all(&[*byte]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    // Idle connections, and a body that never ends.
    let idle: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(&address).expect("connect"))
        .collect();
    let mut endless = TcpStream::connect(&address).expect("connect");
    endless
        .write_all(b"POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc")
        .expect("write");
    for _ in 0..20 {
        let started = Instant::now();
        assert_eq!(server.get("/hello").status, 200);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    drop(idle);
    endless
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut answer = Vec::new();
    let _ = endless.read_to_end(&mut answer);
    slow.join().expect("slow client");
}

#[test]
fn http2_connections_without_a_request_in_progress_are_closed_at_the_header_timeout() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[server]\nheader_timeout_ms = 1000\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
            wasm("hello")
        ),
    )
    .expect("write manifest");
    let server = Server::wafer(&[manifest.to_str().expect("UTF-8 path")]);
    let address = server.url.trim_start_matches("http://").to_owned();
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    const SETTINGS: [u8; 9] = [0, 0, 0, 0x4, 0, 0, 0, 0, 0];
    // HEADERS for stream 1 (GET / over http), END_STREAM without
    // END_HEADERS: the CONTINUATION it announces never comes.
    const HEADERS: [u8; 12] = [0, 0, 3, 0x1, 0x1, 0, 0, 0, 1, 0x82, 0x86, 0x84];
    for (what, frames) in [
        (
            "a HEADERS frame without END_HEADERS",
            [PREFACE, &SETTINGS, &HEADERS].concat(),
        ),
        ("an idle connection", [PREFACE, &SETTINGS].concat()),
    ] {
        let mut stream = TcpStream::connect(&address).expect("connect");
        stream.write_all(&frames).expect("write");
        stream
            .set_read_timeout(Some(Duration::from_secs(8)))
            .expect("timeout");
        let started = Instant::now();
        let mut answer = Vec::new();
        let ended = stream.read_to_end(&mut answer);
        assert!(
            ended.is_ok(),
            "{what}: still open after {:?}",
            started.elapsed()
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{what}: closed after {:?}",
            started.elapsed()
        );
        // The server said GOAWAY (frame type 0x7) before it closed.
        assert!(
            answer
                .windows(4)
                .any(|window| window[3] == 0x7 && window[..3] == [0, 0, 8]),
            "{what}: no GOAWAY in {answer:?}"
        );
        // Its SETTINGS cap the streams one connection may open at once
        // (SETTINGS_MAX_CONCURRENT_STREAMS, 0x3) at the default of 100.
        assert!(
            answer
                .windows(6)
                .any(|setting| setting == [0, 0x3, 0, 0, 0, 100]),
            "{what}: no stream cap in {answer:?}"
        );
    }
    // A request is served as ever, over HTTP/2 too.
    assert_eq!(
        crate::support::h2::request_streamed(&server.url, "GET", "/hello", b"").0,
        200
    );
}

#[test]
fn sigterm_lets_requests_in_flight_finish_then_exits_0() {
    let mut server = server();
    let url = server.url.clone();
    let in_flight = std::thread::spawn(move || {
        crate::support::client::request("GET", &format!("{url}/faulty/sleep/1500"), &[], b"")
    });
    std::thread::sleep(Duration::from_millis(300));
    let status = server.terminate();
    let reply = in_flight.join().expect("request thread");
    assert_eq!((reply.status, reply.body.as_str()), (200, "slept"));
    assert_eq!(status.code(), Some(0), "{}", server.log());
}

/// Outbound HTTP reaches only the hosts the manifest allows: a second host on
/// loopback is the destination.
#[test]
fn outbound_requests_reach_only_allowed_hosts() {
    let target = Server::wafer(&[wasm("hello").to_str().expect("UTF-8 path")]);
    let port = target.url.rsplit(':').next().expect("port").to_owned();
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"faulty\"\nroute = \"/faulty/...\"\nsource = {:?}\n\
             allowed_outbound_hosts = [\"http://127.0.0.1:{port}\"]\n",
            wasm("faulty"),
        ),
    )
    .expect("write manifest");
    let server = Server::wafer(&[manifest.to_str().expect("UTF-8 path")]);
    let fetch = |url: &str| server.get(&format!("/faulty/fetch?url={url}")).body;

    assert_eq!(
        fetch(&format!("http://127.0.0.1:{port}/hello")),
        r#"200 {"message":"hello"}"#
    );
    // The same server by another name, another port, another scheme: refused.
    for url in [
        format!("http://localhost:{port}/hello"),
        "http://127.0.0.1:1/hello".to_owned(),
        format!("https://127.0.0.1:{port}/hello"),
    ] {
        assert_eq!(
            fetch(&url),
            "refused: ErrorCode::HttpRequestDenied",
            "{url}"
        );
    }
    // wasi:http does not follow redirects: the guest sees the 308, and its
    // next request is checked again.
    assert!(fetch(&format!("http://127.0.0.1:{port}/docs")).starts_with("308 "));
    let log = server.log();
    assert!(
        log.contains("outbound HTTP request denied") && log.contains("component=faulty"),
        "{log}"
    );
}

#[test]
fn background_tasks_run_after_the_response_within_the_requests_limits() {
    let server = server();
    let get = |path: &str, id: &str| server.send("GET", path, &[("x-request-id", id)], b"");
    let done = get("/faulty/background/100", "bg-done");
    assert_eq!((done.status, done.body.as_str()), (200, "queued"));
    let log = server.wait_for_log("background task done after 100 ms");
    let line = log
        .lines()
        .find(|line| line.contains("background task done"))
        .expect("the line");
    assert!(
        line.contains("component=faulty") && line.contains("request_id=bg-done"),
        "{line}"
    );

    // timeout_ms is 3000 here, counted from the request.
    let slow = get("/faulty/background/10000", "bg-slow");
    assert_eq!(slow.status, 200);
    server.wait_for_log("guest still running 3s after the request came in");

    // cpu_ms is 1000.
    assert_eq!(get("/faulty/background-spin", "bg-spin").status, 200);
    server.wait_for_log("guest failed after responding: out of CPU time");

    assert_eq!(get("/faulty/background-fail", "bg-fail").status, 200);
    server.wait_for_log("a background task failed: it fails on purpose");
    server.wait_for_log("the task after the failed one ran");

    assert_eq!(get("/faulty/background-error", "bg-error").status, 409);
    server.wait_for_log("1 background task(s) dropped: the handler answered 409 Conflict");

    assert_eq!(server.get("/faulty/ok").body, "ok");
    let log = server.log();
    assert!(
        !log.contains("background task done after 10000 ms"),
        "{log}"
    );
    assert!(!log.contains("this task must not run"), "{log}");
}
