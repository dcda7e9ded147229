//! Security at the edge, attacked. The `echo` test component's document
//! requires every kind of scheme, but its handler answers 200 to anything:
//! so every refusal below is the host's gate, and the guest was never called
//! (also checked in the host's log: `by="gate"`).

use std::path::PathBuf;
use std::sync::OnceLock;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{Reply, Server, wasm, workspace};

const ISSUER: &str = "https://issuer.test";
const AUDIENCE: &str = "wafer-tests";

fn fixture(name: &str) -> PathBuf {
    workspace().join("tests/e2e/fixtures/auth").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("read fixture")
}

/// Runs `wafer <args>` to success and returns its standard output.
fn wafer_output(args: &[&str], stdin: &str) -> String {
    use std::io::Write as _;
    let mut child = crate::support::process::wafer()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start wafer");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wafer ran");
    assert!(output.status.success(), "wafer {args:?} failed");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The echo component behind a host configured for every scheme, the API key
/// it accepts, and the folder of its files.
struct Setup {
    server: Server,
    api_key: String,
    manifest: String,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = |name: &str| dir.path().join(name).display().to_string();

        // The helper commands make the files, as an operator would.
        let key_entry = wafer_output(
            &[
                "auth",
                "api-key",
                "--name",
                "robot",
                "--scopes",
                "read,write",
            ],
            "",
        );
        let api_key = key_entry
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("key: "))
            .expect("the key is printed first")
            .to_owned();
        assert!(!key_entry.contains(&format!("sha256 = \"{api_key}\"")));
        std::fs::write(
            path("keys.toml"),
            key_entry.replace(&format!("key: {api_key}"), ""),
        )
        .expect("write keys");
        let hash = wafer_output(&["auth", "hash-password"], "hunter2\n");
        std::fs::write(
            path("users.toml"),
            format!(
                "[[user]]\nusername = \"ann\"\npassword_hash = \"{}\"\nscopes = [\"read\"]\n",
                hash.trim()
            ),
        )
        .expect("write users");
        std::fs::write(path("signing.secret"), "token-endpoint-secret-for-tests").expect("write");

        let mut jwks = Vec::new();
        for (file, alg, kid) in [
            ("ec.pem", Algorithm::ES256, "ec-1"),
            ("ed.pem", Algorithm::EdDSA, "ed-1"),
        ] {
            let key = jwks_key(file, alg);
            let mut jwk = serde_json::to_value(
                jsonwebtoken::jwk::Jwk::from_encoding_key(&key, alg).expect("jwk"),
            )
            .expect("json");
            jwk["kid"] = json!(kid);
            jwks.push(jwk);
        }
        std::fs::write(path("jwks.json"), json!({ "keys": jwks }).to_string()).expect("write");

        let manifest = format!(
            r#"[[component]]
name = "echo"
route = "/echo/..."
source = {echo:?}

[auth.schemes.rsa]
algorithms = ["RS256"]
keys = [{rsa:?}]
issuer = "{ISSUER}"
audience = "{AUDIENCE}"
leeway_seconds = 5

[auth.schemes.jwks]
algorithms = ["ES256", "EdDSA"]
jwks = "jwks.json"

[auth.schemes.hmac]
algorithms = ["HS256"]
keys = [{hmac:?}]

[auth.schemes.oauth2]
issued_here = true

[auth.schemes.key_header]
api_keys = "keys.toml"

[auth.schemes.key_query]
api_keys = "keys.toml"

[auth.schemes.key_cookie]
api_keys = "keys.toml"

[auth.token_endpoint]
users = "users.toml"
key = "signing.secret"
"#,
            echo = wasm("echo"),
            rsa = fixture("rsa.pub.pem"),
            hmac = fixture("hmac.secret"),
        );
        let manifest_path = path("wafer.toml");
        std::fs::write(&manifest_path, manifest).expect("write manifest");
        let server = Server::wafer(&[&manifest_path]);
        // The set-up outlives every test: its folder goes when the run ends.
        crate::support::process::remove_at_exit(dir);
        Setup {
            server,
            api_key,
            manifest: manifest_path,
        }
    })
}

/// The private key of a JWKS fixture (EC P-256 or Ed25519).
fn jwks_key(file: &str, alg: Algorithm) -> EncodingKey {
    match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&read(file)),
        _ => EncodingKey::from_ed_pem(&read(file)),
    }
    .expect("key")
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// Valid claims for the `rsa` scheme, changed by `edit`.
fn claims(edit: impl FnOnce(&mut Value)) -> Value {
    let mut claims = json!({
        "sub": "ann", "iss": ISSUER, "aud": AUDIENCE,
        "iat": now(), "exp": now() + 600, "scope": "read",
    });
    edit(&mut claims);
    claims
}

fn sign(alg: Algorithm, kid: Option<&str>, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

fn rsa_token(edit: impl FnOnce(&mut Value)) -> String {
    let key = EncodingKey::from_rsa_pem(&read("rsa.pem")).expect("key");
    sign(Algorithm::RS256, None, &claims(edit), &key)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn get(path: &str, headers: &[(&str, &str)]) -> Reply {
    setup().server.send("GET", path, headers, b"")
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Asserts a refusal by the gate: status, FastAPI body, challenge, and that
/// the guest was not called.
#[track_caller]
fn assert_refused(reply: &Reply, status: u16, detail: &str, challenge: &str) {
    assert_eq!(
        (reply.status, reply.json(), reply.header("www-authenticate")),
        (status, json!({ "detail": detail }), Some(challenge)),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("called"), "the guest was called");
}

#[track_caller]
fn assert_admitted(reply: &Reply) -> Value {
    assert_eq!(
        reply.status,
        200,
        "{} {:?}",
        reply.body,
        reply.header("www-authenticate")
    );
    let body = reply.json();
    assert_eq!(body["called"], true);
    assert_eq!(body["secret"], true, "the guest has the identity secret");
    // The forwarded identity's claims (the guest would verify the signature).
    let identity = body["identity"].as_str().expect("an identity is forwarded");
    let payload = identity.split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64"),
    )
    .expect("JSON claims");
    // It is for this component and this request, for as long as the request
    // may take (the default timeout_ms of 30 s), not minutes.
    assert_eq!(claims["aud"], "echo");
    assert_eq!(claims["rid"].as_str(), reply.header("x-request-id"));
    let lives = claims["exp"].as_u64().expect("exp").saturating_sub(now());
    assert!((29..=30).contains(&lives), "lives {lives} s");
    claims
}

const INVALID: &str = "Could not validate credentials";

#[test]
fn valid_credentials_of_every_kind_pass_with_their_claims() {
    let identity = assert_admitted(&get(
        "/echo/rsa",
        &[("authorization", &bearer(&rsa_token(|_| {})))],
    ));
    assert_eq!(identity["identities"]["rsa"]["sub"], "ann");
    assert_eq!(identity["identities"]["rsa"]["iss"], ISSUER);
    assert_admitted(&get(
        "/echo/items/7",
        &[("authorization", &bearer(&rsa_token(|_| {})))],
    ));

    for (file, alg, kid) in [
        ("ec.pem", Algorithm::ES256, "ec-1"),
        ("ed.pem", Algorithm::EdDSA, "ed-1"),
    ] {
        let token = sign(alg, Some(kid), &claims(|_| {}), &jwks_key(file, alg));
        let identity = assert_admitted(&get("/echo/jwks", &[("authorization", &bearer(&token))]));
        assert_eq!(identity["identities"]["jwks"]["sub"], "ann", "{alg:?}");
    }

    let hmac = EncodingKey::from_secret(&read("hmac.secret")).expect("key");
    let token = sign(Algorithm::HS256, None, &claims(|_| {}), &hmac);
    assert_admitted(&get("/echo/hmac", &[("authorization", &bearer(&token))]));

    let key = setup().api_key.clone();
    let identity = assert_admitted(&get("/echo/key", &[("x-api-key", &key)]));
    assert_eq!(
        identity["identities"]["key_header"],
        json!({"sub": "robot", "scopes": ["read", "write"]})
    );
    assert_admitted(&get(&format!("/echo/key-query?api_key={key}"), &[]));
    // A query is decoded as the SDK decodes it: `%77` is `w`.
    let encoded = format!("%77{}", &key[1..]);
    assert!(key.starts_with('w'));
    assert_admitted(&get(&format!("/echo/key-query?api_key={encoded}"), &[]));
    assert_admitted(&get(
        "/echo/key-cookie",
        &[("cookie", &format!("a=b; session={key}"))],
    ));
}

#[test]
fn alternatives_and_combinations_are_checked_as_openapi_defines_them() {
    let token = bearer(&rsa_token(|_| {}));
    let key = setup().api_key.clone();
    assert_admitted(&get("/echo/either", &[("authorization", &token)]));
    assert_admitted(&get("/echo/either", &[("x-api-key", &key)]));
    assert_refused(
        &get("/echo/either", &[]),
        401,
        "Not authenticated",
        "Bearer, APIKey",
    );

    assert_refused(
        &get("/echo/both", &[("authorization", &token)]),
        401,
        "Not authenticated",
        "APIKey",
    );
    let identity = assert_admitted(&get(
        "/echo/both",
        &[("authorization", &token), ("x-api-key", &key)],
    ));
    assert_eq!(identity["identities"]["rsa"]["sub"], "ann");
    assert_eq!(identity["identities"]["key_header"]["sub"], "robot");

    let public = get("/echo/public", &[]);
    assert_eq!(
        (public.status, public.json()["identity"].clone()),
        (200, Value::Null)
    );
}

#[test]
fn the_attack_matrix_is_refused_before_the_guest_runs() {
    let attacker = EncodingKey::from_rsa_pem(&read("attacker-rsa.pem")).expect("key");
    let valid = rsa_token(|_| {});
    let [header, _payload, signature]: [&str; 3] = valid
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .expect("three parts");

    let alg_none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(claims(|_| {}).to_string().as_bytes())
    );
    // Key confusion: HS256 with the RSA public key as the HMAC secret.
    let confused = sign(
        Algorithm::HS256,
        None,
        &claims(|_| {}),
        &EncodingKey::from_secret(&read("rsa.pub.pem")).expect("key"),
    );
    let tampered = format!(
        "{header}.{}.{signature}",
        b64(claims(|c| c["sub"] = json!("admin")).to_string().as_bytes())
    );
    let challenge = |description: &str| {
        format!("Bearer error=\"invalid_token\", error_description=\"{description}\"")
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("malformed", "not.a.jwt".into(), "The token is malformed"),
        ("garbage", "x".repeat(40), "The token is malformed"),
        ("alg none", alg_none, "The token is malformed"),
        (
            "HS256 signed with the RSA public key",
            confused,
            "The token's algorithm is not accepted",
        ),
        (
            "signed by another key",
            sign(Algorithm::RS256, None, &claims(|_| {}), &attacker),
            "The token's signature is invalid",
        ),
        (
            "tampered payload",
            tampered,
            "The token's signature is invalid",
        ),
        (
            "expired",
            rsa_token(|c| c["exp"] = json!(now() - 3600)),
            "The token has expired",
        ),
        (
            "not yet valid",
            rsa_token(|c| c["nbf"] = json!(now() + 3600)),
            "The token is not valid yet",
        ),
        (
            "wrong issuer",
            rsa_token(|c| c["iss"] = json!("https://evil.test")),
            "The token's issuer is not accepted",
        ),
        (
            "wrong audience",
            rsa_token(|c| c["aud"] = json!("someone-else")),
            "The token's audience is not accepted",
        ),
        (
            "very long token",
            "a".repeat(64 * 1024),
            "The token is too long",
        ),
    ];
    for (attack, token, description) in cases {
        let reply = get("/echo/rsa", &[("authorization", &bearer(&token))]);
        assert_eq!(reply.status, 401, "{attack}: {}", reply.body);
        assert_refused(&reply, 401, INVALID, &challenge(description));
    }

    assert_refused(&get("/echo/rsa", &[]), 401, "Not authenticated", "Bearer");
    assert_refused(
        &get("/echo/rsa", &[("authorization", "Basic YW5uOmh1bnRlcjI=")]),
        401,
        "Not authenticated",
        "Bearer",
    );

    let ec = EncodingKey::from_ec_pem(&read("ec.pem")).expect("key");
    assert_refused(
        &get(
            "/echo/jwks",
            &[(
                "authorization",
                &bearer(&sign(Algorithm::ES256, Some("nope"), &claims(|_| {}), &ec)),
            )],
        ),
        401,
        INVALID,
        &challenge("The token's key is unknown"),
    );

    assert_refused(
        &get("/echo/scoped", &[("authorization", &bearer(&valid))]),
        403,
        "Not enough permissions",
        "Bearer error=\"insufficient_scope\", scope=\"admin\"",
    );
    let admin = rsa_token(|c| c["scope"] = json!("read admin"));
    assert_admitted(&get("/echo/scoped", &[("authorization", &bearer(&admin))]));

    // API keys: unknown (or revoked: removed from the file), in the wrong place.
    let key = setup().api_key.clone();
    assert_refused(
        &get("/echo/key", &[("x-api-key", "wk_not-a-key")]),
        401,
        INVALID,
        "APIKey",
    );
    assert_refused(
        &get("/echo/key", &[("x-api-key", &key[..key.len() - 1])]),
        401,
        INVALID,
        "APIKey",
    );
    assert_refused(
        &get(&format!("/echo/key?api_key={key}"), &[]),
        401,
        "Not authenticated",
        "APIKey",
    );
    assert_refused(
        &get("/echo/key-query", &[("x-api-key", &key)]),
        401,
        "Not authenticated",
        "APIKey",
    );
    // Given twice, a credential is refused wherever it is, even when one of
    // the two is valid: which one counts would be a guess.
    for duplicate in [
        get(
            "/echo/key",
            &[("x-api-key", &key), ("x-api-key", "wk_not-a-key")],
        ),
        get(&format!("/echo/key-query?api_key={key}&api_key=wk_x"), &[]),
        get(
            "/echo/key-cookie",
            &[("cookie", &format!("session={key}; session=wk_x"))],
        ),
    ] {
        assert_refused(&duplicate, 401, INVALID, "APIKey");
    }
    let token = bearer(&rsa_token(|_| {}));
    assert_refused(
        &get(
            "/echo/rsa",
            &[("authorization", &token), ("authorization", &token)],
        ),
        401,
        INVALID,
        "Bearer error=\"invalid_token\", error_description=\"The token is malformed\"",
    );

    // Forged identities: inbound wafer-* headers never reach the guest.
    let forged = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS256"}"#),
        b64(br#"{"identities":{"rsa":{"sub":"root"}}}"#),
        "x"
    );
    assert_refused(
        &get("/echo/rsa", &[("wafer-identity", &forged)]),
        401,
        "Not authenticated",
        "Bearer",
    );
    let public = get(
        "/echo/public",
        &[("wafer-identity", &forged), ("Wafer-Identity", "x")],
    );
    assert_eq!(public.json()["identity"], Value::Null);

    // Very long headers: refused whole by the HTTP layer, and the host lives on.
    let huge = "a".repeat(1024 * 1024);
    let status =
        std::panic::catch_unwind(|| get("/echo/rsa", &[("authorization", &bearer(&huge))]).status);
    assert!(matches!(status, Ok(431) | Err(_)), "{status:?}");
    assert_admitted(&get("/echo/rsa", &[("authorization", &bearer(&valid))]));

    // Every refusal above came from the gate.
    let log = setup().server.log();
    assert!(
        !log.contains(r#"path=/echo/rsa status=401 component=echo by="guest""#),
        "{log}"
    );
    assert!(
        log.contains(r#"path=/echo/rsa status=401 component=echo by="gate""#),
        "{log}"
    );
}

#[test]
fn the_token_endpoint_issues_tokens_for_the_password_flow() {
    let server = &setup().server;
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let login = |body: &str| server.send("POST", "/token", &form, body.as_bytes());

    let reply = login("grant_type=password&username=ann&password=hunter2");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(
        (body["token_type"].clone(), body["scope"].clone()),
        (json!("bearer"), json!("read"))
    );
    let token = body["access_token"].as_str().expect("token").to_owned();
    let identity = assert_admitted(&get("/echo/oauth2", &[("authorization", &bearer(&token))]));
    assert_eq!(identity["identities"]["oauth2"]["sub"], "ann");

    for (form_body, status, error) in [
        (
            "grant_type=password&username=ann&password=hunter3",
            400,
            "invalid_grant",
        ),
        (
            "grant_type=password&username=nobody&password=hunter2",
            400,
            "invalid_grant",
        ),
        (
            "grant_type=password&username=ann&password=hunter2&scope=admin",
            400,
            "invalid_scope",
        ),
        (
            "grant_type=client_credentials&client_id=x&client_secret=y",
            401,
            "invalid_client",
        ),
        ("grant_type=implicit", 400, "unsupported_grant_type"),
        ("username=ann", 400, "invalid_request"),
    ] {
        let reply = login(form_body);
        assert_eq!(
            (reply.status, reply.json()["error"].clone()),
            (status, json!(error)),
            "{form_body}"
        );
    }
    assert_eq!(
        server
            .send(
                "POST",
                "/token",
                &[("content-type", "application/json")],
                b"{}"
            )
            .status,
        400
    );

    // `wafer auth token` signs as the endpoint does.
    let minted = wafer_output(
        &[
            "auth",
            "token",
            &setup().manifest,
            "--subject",
            "script",
            "--scopes",
            "read",
        ],
        "",
    );
    let identity = assert_admitted(&get(
        "/echo/oauth2",
        &[("authorization", &bearer(minted.trim()))],
    ));
    assert_eq!(identity["identities"]["oauth2"]["sub"], "script");
    let unscoped = wafer_output(
        &["auth", "token", &setup().manifest, "--subject", "script"],
        "",
    );
    assert_eq!(
        get(
            "/echo/oauth2",
            &[("authorization", &bearer(unscoped.trim()))]
        )
        .status,
        403
    );
}

#[test]
fn secrets_never_appear_in_the_log() {
    let token = rsa_token(|_| {});
    assert_admitted(&get("/echo/rsa", &[("authorization", &bearer(&token))]));
    let key = setup().api_key.clone();
    assert_admitted(&get("/echo/key", &[("x-api-key", &key)]));
    let form = [("content-type", "application/x-www-form-urlencoded")];
    setup().server.send(
        "POST",
        "/token",
        &form,
        b"grant_type=password&username=ann&password=hunter2",
    );
    let log = setup().server.log();
    for secret in [
        token.as_str(),
        key.as_str(),
        "hunter2",
        "token-endpoint-secret-for-tests",
    ] {
        assert!(!log.contains(secret), "the log shows a secret");
    }
}

#[test]
fn a_scheme_the_manifest_does_not_configure_stops_the_host() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("wafer.toml");
    std::fs::write(
        &path,
        format!(
            "[[component]]\nname = \"echo\"\nroute = \"/echo/...\"\nsource = {:?}\n",
            wasm("echo")
        ),
    )
    .expect("write");
    let stderr = crate::support::refused_start(&path.display().to_string());
    assert!(
        stderr.contains("component \"echo\": security scheme \"")
            && stderr.contains("the manifest does not say how to check it: add [auth.schemes."),
        "{stderr}"
    );
}

mod example;
mod spellings;
mod token;
