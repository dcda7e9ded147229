//! The gate fails closed. The echo component, which answers 200 to anything,
//! is served at `/...` here, and its document declares a secured
//! `/things/{id}`: no spelling of that path and no method gets a request
//! without credentials to the guest. What the gate cannot match to a
//! documented operation is refused, unless the manifest says
//! `allow_undocumented`; a component that `requires_auth` without a document
//! that declares security stops the host.

use std::sync::OnceLock;

use serde_json::json;

use super::{bearer, rsa_token, setup};
use crate::support::client::raw;
use crate::support::{Server, wasm};

/// The security tests' manifest with the echo component at `/...` and
/// `extra` added to it.
fn catch_all(extra: &str, name: &str) -> Server {
    let manifest = std::fs::read_to_string(&setup().manifest).expect("read the manifest");
    let manifest = manifest.replacen(
        "route = \"/echo/...\"",
        &format!("route = \"/...\"\n{extra}"),
        1,
    );
    let path = std::path::Path::new(&setup().manifest).with_file_name(name);
    std::fs::write(&path, manifest).expect("write the manifest");
    Server::wafer(&[&path.display().to_string()])
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| catch_all("", "catch-all.toml"))
}

/// `method target` exactly as written, over a connection of its own: the
/// status and the body.
fn send(server: &Server, method: &str, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let answer = raw_answer(server, method, target, headers);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("{method} {target}: no status in {answer:?}"));
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, body.to_owned())
}

/// `method target` exactly as written, over a connection of its own: the
/// answer as it came, head and body.
fn raw_answer(server: &Server, method: &str, target: &str, headers: &[(&str, &str)]) -> String {
    let host = server.url.trim_start_matches("http://");
    let mut text = format!("{method} {target} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    raw(&server.url, &text)
}

/// Every spelling of `/things/1` and its neighbours that a client could try
/// to slip past the gate with.
const PATHS: &[&str] = &[
    "/things/1",
    "/things/",
    "/things",
    "/things//1",
    "//things/1",
    "///things/1",
    "/things/1/",
    "/things/1//",
    "/THINGS/1",
    "/Things/1",
    "/things/%31",
    "/%74hings/1",
    "/%74%68%69%6e%67%73/1",
    "/things%2F1",
    "/things%2f1",
    "/things/1%2F",
    "/things/1;x",
    "/things;x/1",
    "/things;/1",
    "/things/./1",
    "/./things/1",
    "/things/../things/1",
    "/x/../things/1",
    "/things/..",
    "/things/.",
    "/things/%2e%2e",
    "/things/%2e",
    "/things/1?x=1",
    "/things/1?",
    "/things/%00",
    "/things/%zz",
    "/things/1%20",
    "/things/%20",
    "/things\\1",
    "/unknown",
    "/",
];

const METHODS: &[&str] = &[
    "GET", "HEAD", "get", "Get", "DELETE", "delete", "POST", "PUT", "PATCH", "OPTIONS", "TRACE",
    "FOO",
];

#[test]
fn no_spelling_of_a_secured_path_gets_a_request_without_credentials_to_the_guest() {
    let server = server();
    for path in PATHS {
        for method in METHODS {
            let (status, body) = send(server, method, path, &[]);
            assert!(
                status != 200 && !body.contains("\"called\""),
                "{method} {path} reached the guest without credentials: {status} {body}"
            );
            assert!(
                [307, 400, 401, 404, 405].contains(&status),
                "{method} {path}: {status} {body}"
            );
        }
    }
}

#[test]
fn documented_requests_are_checked_and_the_rest_refused() {
    let server = server();
    let token = bearer(&rsa_token(|_| {}));
    let with_token: &[(&str, &str)] = &[("authorization", &token)];
    let not_authenticated = json!({"detail": "Not authenticated"}).to_string();
    // A documented operation: checked, then served with the path as sent.
    assert_eq!(
        send(server, "GET", "/things/1", &[]),
        (401, not_authenticated.clone())
    );
    assert_eq!(
        send(server, "HEAD", "/things/1", &[]).0,
        401,
        "HEAD is checked as GET"
    );
    let (status, body) = send(server, "GET", "/things/%31", with_token);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"path\":\"/things/%31\""), "{body}");
    let (status, body) = send(server, "DELETE", "/things/1", with_token);
    assert_eq!(
        (status, body.as_str()),
        (403, r#"{"detail":"Not enough permissions"}"#)
    );
    // A path its document does not describe: 404, credentials or not.
    for path in ["/things/", "//things/1", "/unknown", "/THINGS/1"] {
        assert_eq!(
            send(server, "GET", path, with_token),
            (404, json!({"detail": "Not Found"}).to_string()),
            "{path}"
        );
    }
    // A documented path but for its trailing slash: FastAPI's 307 to it,
    // answered by the gate (the echo guest would answer 200), credentials
    // or not, as FastAPI redirects before it asks for any.
    let host = server.url.trim_start_matches("http://");
    for (target, location) in [
        ("/things/1/", "/things/1"),
        ("/things/1//?x=a%20b", "/things/1?x=a%20b"),
        ("/things/caf%C3%A9%20x/", "/things/caf%C3%A9%20x"),
    ] {
        for headers in [&[][..], with_token] {
            let answer = raw_answer(server, "POST", target, headers);
            assert!(answer.starts_with("HTTP/1.1 307 "), "{target}: {answer}");
            let expected = format!("\r\nlocation: http://{host}{location}\r\n");
            assert!(answer.contains(&expected), "{target}: {answer}");
            assert!(answer.ends_with("\r\n\r\n"), "no body: {answer}");
        }
    }
    let log = server.log();
    assert!(
        log.contains(r#"path=/things/1/ status=307 component=echo by="gate""#),
        "{log}"
    );
    // A documented path, another method: what the operations there would
    // answer without credentials, and 405 to a caller who has them.
    for method in ["FOO", "get", "PUT"] {
        assert_eq!(
            send(server, method, "/things/1", &[]),
            (401, not_authenticated.clone()),
            "{method}"
        );
        assert_eq!(
            send(server, method, "/things/1", with_token),
            (405, json!({"detail": "Method Not Allowed"}).to_string()),
            "{method}"
        );
    }
    let reply = server.send("PUT", "/things/1", with_token, b"");
    assert_eq!(reply.header("allow"), Some("GET, DELETE"));
    // The guest was never called without credentials (echo answers 200 to
    // anything, with `"called":true`): HEAD has no body to tell.
    assert_eq!(send(server, "HEAD", "/things/1", with_token).0, 200);
}

#[test]
fn allow_undocumented_lets_what_the_document_does_not_describe_through() {
    let server = catch_all("allow_undocumented = true", "allow-undocumented.toml");
    let reply = server.get("/unknown");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["called"], true);
    assert_eq!(send(&server, "FOO", "/things/1", &[]).0, 200);
    // What it describes is still checked.
    assert_eq!(server.get("/things/1").status, 401);
}

#[test]
fn a_component_that_requires_auth_without_a_document_declaring_it_stops_the_host() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (component, why) in [
        ("plain", "the host cannot read its security requirements"),
        ("hello", "its OpenAPI document declares no security"),
    ] {
        let path = dir.path().join(format!("{component}.toml"));
        std::fs::write(
            &path,
            format!(
                "[[component]]\nname = \"{component}\"\nroute = \"/...\"\nsource = {:?}\nrequires_auth = true\n",
                wasm(component)
            ),
        )
        .expect("write");
        let stderr = crate::support::refused_start(&path.display().to_string());
        assert!(
            stderr.contains(&format!(
                "component \"{component}\" requires_auth, but {why}"
            )),
            "{stderr}"
        );
    }
}
