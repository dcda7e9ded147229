//! What a client cannot exhaust at the token endpoint: argon2 checks (at
//! most one per core at once, 503 beyond), logins per address and per
//! account (429), and the time to send the form (408); tokens that outlive
//! a reload, and clients' tokens named apart from users'.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::client::raw;
use crate::support::{Server, wasm, workspace};

/// The `auth` example behind a token endpoint with the example's accounts,
/// and `extra` in `[auth.token_endpoint]`.
fn server(dir: &tempfile::TempDir, extra: &str) -> Server {
    let config = workspace().join("examples/auth/config");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"auth\"\nroute = \"/account/...\"\nsource = {auth:?}\n\n\
             [auth.schemes.oauth2]\nissued_here = true\n\n\
             [auth.schemes.api_key]\napi_keys = {keys:?}\n\n\
             [auth.token_endpoint]\nusers = {users:?}\nclients = {clients:?}\n{extra}\n",
            auth = wasm("auth"),
            keys = config.join("api-keys.toml"),
            users = config.join("users.toml"),
            clients = config.join("clients.toml"),
        ),
    )
    .expect("write the manifest");
    Server::wafer(&[&manifest.display().to_string()])
}

fn login(server: &Server, form: &str) -> (u16, Option<String>, Value) {
    let reply = server.send(
        "POST",
        "/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    let retry_after = reply.header("retry-after").map(str::to_owned);
    (reply.status, retry_after, reply.json())
}

#[test]
fn parallel_logins_check_at_most_one_secret_per_core() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = server(
        &dir,
        "client_logins_per_minute = 1000\naccount_logins_per_minute = 1000",
    );
    let before = server.rss_kib();
    // Twice what the checkers take in at once: one check per core, and four
    // more per core waiting their turn.
    let parallel = (2 * cores() * 5).max(32);
    let barrier = std::sync::Barrier::new(parallel);
    let answers: Vec<(u16, Option<String>, Value)> = std::thread::scope(|scope| {
        let logins: Vec<_> = (0..parallel)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    login(&server, "grant_type=password&username=alice&password=wrong")
                })
            })
            .collect();
        logins
            .into_iter()
            .map(|login| login.join().expect("login"))
            .collect()
    });
    let after = server.rss_kib();
    let busy: Vec<_> = answers
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    assert!(
        !busy.is_empty(),
        "{parallel} at once on {} cores: {answers:?}",
        cores()
    );
    for (status, retry_after, body) in &answers {
        match status {
            503 => {
                assert_eq!(retry_after.as_deref(), Some("1"));
                assert_eq!(body["error"], "temporarily_unavailable");
            }
            400 => assert_eq!(body["error"], "invalid_grant"),
            other => panic!("{other} {body}"),
        }
    }
    // A burst a little larger than the cores waits rather than being
    // refused: a login is refused only while five per core are in, and each
    // of those is checked.
    let checked = answers.iter().filter(|(status, ..)| *status == 400).count();
    assert!(
        checked >= cores() * 5,
        "{checked} checked of {parallel} on {} cores",
        cores()
    );
    // Each check holds 19 MiB: unbounded, 32 of them took hundreds of MiB.
    assert!(
        after < before + 200 * 1024,
        "{before} KiB before, {after} KiB after"
    );
    // The endpoint still answers.
    assert_eq!(
        login(
            &server,
            "grant_type=password&username=alice&password=wonderland"
        )
        .0,
        200
    );
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get())
}

#[test]
fn logins_are_throttled_per_address_and_per_account() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = server(
        &dir,
        "client_logins_per_minute = 5\naccount_logins_per_minute = 3",
    );
    let wrong = |user: &str| {
        login(
            &server,
            &format!("grant_type=password&username={user}&password=x"),
        )
    };
    for _ in 0..3 {
        assert_eq!(wrong("alice").0, 400);
    }
    let (status, retry_after, body) = wrong("alice");
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("too_many_requests")),
        "{body}"
    );
    assert_eq!(
        body["error_description"],
        "Too many logins for \"alice\": try again later"
    );
    let retry_after: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    // The address has one login left; then it is refused too, whoever for.
    assert_eq!(wrong("queen").0, 400);
    let (status, _, body) = wrong("nobody");
    assert_eq!(
        (status, body["error_description"].as_str()),
        (
            429,
            Some("Too many logins from this address: try again later")
        )
    );
}

#[test]
fn a_form_that_does_not_arrive_is_cut_off_at_its_deadline() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = server(&dir, "body_timeout_ms = 500");
    let started = Instant::now();
    let answer = raw(
        &server.url,
        "POST /token HTTP/1.1\r\nhost: wafer\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         content-length: 100\r\n\r\ngrant_type=pass",
    );
    let elapsed = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(
        answer.ends_with(r#"{"error":"invalid_request","error_description":"The form was not sent within 500 ms"}"#),
        "{answer}"
    );
    assert!(
        elapsed < Duration::from_secs(4),
        "answered after {elapsed:?}"
    );
}

#[test]
fn tokens_outlive_a_reload_without_a_signing_key() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = server(&dir, "");
    let (status, _, body) = login(
        &server,
        "grant_type=password&username=alice&password=wonderland",
    );
    assert_eq!(status, 200, "{body}");
    let token = format!("Bearer {}", body["access_token"].as_str().expect("token"));
    let me = || server.send("GET", "/account/me", &[("authorization", &token)], b"");
    assert_eq!(me().status, 200);
    server.signal("HUP");
    server.wait_for_log("reloaded");
    let after = me();
    assert_eq!(
        (after.status, after.json()["sub"].clone()),
        (200, json!("alice")),
        "{}",
        after.body
    );
}
