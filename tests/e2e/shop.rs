//! The shop, served from `examples/wafer.toml`, answers over real HTTP what
//! its FastAPI twin answered to every recorded request
//! (`examples/shop/oracle`), the host checking its HTTP Basic route at the
//! edge against `examples/shop/config/users.toml`.

use wafer::testing::fastapi::{Answer, recorded};

use crate::examples::examples;
use crate::support::workspace;

/// FastAPI's handler refuses wrong credentials itself; at the edge the
/// host refuses them first, with its own wording.
const GATE_REFUSAL: &str = r#"{"detail":"Could not validate credentials"}"#;

#[test]
fn the_shop_answers_like_fastapi_over_http() {
    let server = examples();
    let mut differences = Vec::new();
    let cases = recorded(&workspace().join("examples/shop/oracle"));
    for (case, mut expected) in cases.clone() {
        if case.path == "/shop/admin" && expected.body.contains("Bad credentials") {
            expected.body = GATE_REFUSAL.to_owned();
        }
        let reply = server.send(
            &case.method,
            &case.path,
            &case.headers_to_send(),
            case.body.as_bytes(),
        );
        let headers = reply.headers.iter().map(|(n, v)| (n.as_str(), v.clone()));
        let answer = Answer::new(reply.status, headers, reply.body);
        if answer != expected {
            differences.push(case.describe_difference(&expected, &answer));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} answers differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
}

#[test]
fn basic_credentials_are_checked_before_the_guest_runs() {
    let server = examples();
    // "admin:wrong"
    let reply = server.send(
        "GET",
        "/shop/admin",
        &[("authorization", "Basic YWRtaW46d3Jvbmc=")],
        b"",
    );
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body, GATE_REFUSAL);
    assert_eq!(reply.header("www-authenticate"), Some("Basic"));
    let log = server.wait_for_log("path=/shop/admin status=401 component=shop by=\"gate\"");
    assert!(!log.contains("path=/shop/admin status=401 component=shop by=\"guest\""));
    // "admin:s3cret", twice: the second is remembered, not hashed again.
    for _ in 0..2 {
        let reply = server.send(
            "GET",
            "/shop/admin",
            &[("authorization", "Basic YWRtaW46czNjcmV0")],
            b"",
        );
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (200, r#"{"user":"admin"}"#)
        );
    }
    // No credentials: FastAPI's answer, from the gate.
    let reply = server.get("/shop/admin");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body, r#"{"detail":"Not authenticated"}"#);
    assert_eq!(reply.header("www-authenticate"), Some("Basic"));
}

#[test]
fn a_basic_scheme_without_a_usable_users_file_stops_the_host() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("wafer.toml");
    let component = format!(
        "[[component]]\nname = \"shop\"\nroute = \"/shop/...\"\nsource = {:?}\n",
        crate::support::wasm("shop")
    );
    std::fs::write(dir.path().join("keys.toml"), "").expect("write");
    std::fs::write(
        dir.path().join("plain.toml"),
        "[[user]]\nusername = \"admin\"\npassword_hash = \"s3cret\"\n",
    )
    .expect("write");
    for (scheme, refusal) in [
        (
            "api_keys = \"keys.toml\"",
            "security scheme \"HTTPBasic\": it is an HTTP Basic scheme: [auth.schemes.HTTPBasic] \
             needs `users` (a users file)",
        ),
        ("users = \"missing.toml\"", "missing.toml: cannot read it"),
        (
            "users = \"plain.toml\"",
            "\"admin\": the hash is not an argon2 hash: make one with `wafer auth hash-password`",
        ),
        (
            "users = \"plain.toml\"\napi_keys = \"keys.toml\"",
            "`auth.schemes.HTTPBasic`: say how to check it with exactly one of",
        ),
    ] {
        std::fs::write(
            &path,
            format!("{component}\n[auth.schemes.HTTPBasic]\n{scheme}\n"),
        )
        .expect("write");
        let stderr = crate::support::refused_start(&path.display().to_string());
        assert!(stderr.contains(refusal), "{scheme}: {stderr}");
    }
}
