//! Rate limits per caller: `[rate_limits]` for the whole host by client
//! address (through trusted proxies only), and a component's `rate_limit` by
//! address, API key or verified subject. Over it: 429 with `Retry-After` and
//! the `RateLimit-*` headers, logged once a minute per caller; documented.

use crate::support::{Reply, Server, wasm, workspace};

/// `hello` behind a host with `server` in `[server]` and `[rate_limits]`.
fn hello(dir: &tempfile::TempDir, server: &str, limits: &str) -> Server {
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[server]\n{server}\n\n[rate_limits]\n{limits}\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
            wasm("hello")
        ),
    )
    .expect("write manifest");
    Server::wafer(&[&manifest.display().to_string()])
}

#[track_caller]
fn assert_too_many(reply: &Reply, limit: &str) {
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (429, r#"{"detail":"Too Many Requests"}"#)
    );
    let retry_after: u64 = reply
        .header("retry-after")
        .and_then(|seconds| seconds.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(reply.header("ratelimit-limit"), Some(limit));
    assert_eq!(reply.header("ratelimit-remaining"), Some("0"));
    assert_eq!(
        reply.header("ratelimit-reset"),
        Some(retry_after.to_string().as_str())
    );
}

#[test]
fn each_client_address_has_its_rate_for_the_whole_host() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = hello(&dir, "", "requests_per_second = 1\nburst = 3");
    for _ in 0..3 {
        assert_eq!(server.get("/hello").status, 200);
    }
    for path in ["/hello", "/openapi.json", "/nowhere"] {
        assert_too_many(&server.get(path), "3");
    }
    assert_eq!(
        server.get("/healthz").status,
        200,
        "load balancers' health checks are not counted"
    );
    let log = server.wait_for_log("too many requests from this caller");
    assert_eq!(
        log.matches("too many requests from this caller").count(),
        1,
        "logged once a minute per caller, not per request:\n{log}"
    );
    assert!(log.contains("caller=client 127.0.0.1"), "{log}");
}

#[test]
fn only_trusted_proxies_say_who_the_client_is() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let forwarded = |server: &Server, client: &str| {
        server.send("GET", "/hello", &[("x-forwarded-for", client)], b"")
    };
    let trusted = hello(
        &dir,
        "trusted_proxies = [\"127.0.0.0/8\"]",
        "requests_per_second = 1\nburst = 2",
    );
    for _ in 0..2 {
        assert_eq!(forwarded(&trusted, "203.0.113.1").status, 200);
    }
    assert_too_many(&forwarded(&trusted, "203.0.113.1"), "2");
    assert_eq!(
        forwarded(&trusted, "203.0.113.2").status,
        200,
        "another client behind the proxy has a bucket of its own"
    );
    drop(trusted);

    let direct = hello(&dir, "", "requests_per_second = 1\nburst = 2");
    assert_eq!(forwarded(&direct, "203.0.113.1").status, 200);
    assert_eq!(forwarded(&direct, "203.0.113.2").status, 200);
    assert_too_many(&forwarded(&direct, "203.0.113.3"), "2");
}

#[test]
fn a_component_counts_by_the_verified_subject_and_documents_its_429() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let config = workspace().join("examples/auth/config");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"auth\"\nroute = \"/account/...\"\nsource = {auth:?}\n\
             rate_limit = {{ requests_per_second = 1, burst = 2, by = \"subject\" }}\n\n\
             [auth.schemes.oauth2]\nissued_here = true\n\n\
             [auth.schemes.api_key]\napi_keys = {keys:?}\n\n\
             [auth.token_endpoint]\nusers = {users:?}\n",
            auth = wasm("auth"),
            keys = config.join("api-keys.toml"),
            users = config.join("users.toml"),
        ),
    )
    .expect("write manifest");
    let server = Server::wafer(&[&manifest.display().to_string()]);
    let token = |user: &str, password: &str| {
        let reply = server.send(
            "POST",
            "/token",
            &[("content-type", "application/x-www-form-urlencoded")],
            format!("grant_type=password&username={user}&password={password}").as_bytes(),
        );
        format!(
            "Bearer {}",
            reply.json()["access_token"].as_str().expect("token")
        )
    };
    let (alice, queen) = (
        token("alice", "wonderland"),
        token("queen", "looking-glass"),
    );
    let me = |token: &str| server.send("GET", "/account/me", &[("authorization", token)], b"");
    for remaining in ["1", "0"] {
        let reply = me(&alice);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            (
                reply.header("ratelimit-limit"),
                reply.header("ratelimit-remaining")
            ),
            (Some("2"), Some(remaining))
        );
    }
    assert_too_many(&me(&alice), "2");
    assert_eq!(me(&queen).status, 200, "queen has a bucket of her own");
    let document = server.get("/openapi.json").json();
    let too_many = &document["paths"]["/account/me"]["get"]["responses"]["429"];
    assert_eq!(
        too_many["description"],
        "Too Many Requests: the caller's rate limit is spent"
    );
    assert!(too_many["headers"]["Retry-After"].is_object(), "{too_many}");
}
