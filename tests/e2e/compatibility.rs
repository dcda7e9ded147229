//! A Wafer component is a plain `wasi:http/proxy` component: it imports only
//! standard WASI 0.2 interfaces, and runs unchanged under `wasmtime serve`,
//! answering there exactly as under Wafer.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::support::components::{cargo, target_dir};
use crate::support::redis::RedisServer;
use crate::support::upstream::Upstream;
use crate::support::{Reply, Server, wasm, workspace};

#[test]
fn components_import_only_standard_wasi_and_export_the_handler_and_metadata() {
    let engine = wasmtime::Engine::default();
    for name in ["hello", "items", "gateway"] {
        let component = wasmtime::component::Component::from_file(&engine, wasm(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let ty = component.component_type();
        let imports: Vec<String> = ty
            .imports(&engine)
            .map(|(name, _)| name.to_owned())
            .collect();
        assert!(!imports.is_empty());
        for import in &imports {
            assert!(
                import.starts_with("wasi:") && import.contains("@0.2."),
                "{name} imports {import}, which is not a standard WASI 0.2 interface"
            );
            // What a component does not use, it does not import: these run
            // on hosts without key-value stores or config (wasmtime serve).
            assert!(
                !import.starts_with("wasi:keyvalue") && !import.starts_with("wasi:config"),
                "{name} imports {import}, which it does not use"
            );
        }
        let exports: Vec<String> = ty
            .exports(&engine)
            .map(|(name, _)| name.to_owned())
            .collect();
        assert!(
            exports
                .iter()
                .any(|e| e.starts_with("wasi:http/incoming-handler@0.2.")),
            "{name} exports {exports:?}"
        );
        assert!(
            exports.contains(&"wafer:app/metadata@0.1.0".to_owned()),
            "{name} exports {exports:?}"
        );
    }
}

/// Requests that cover each example's routes and error paths.
const REQUESTS: &[(&str, &str, &str, &str)] = &[
    ("hello", "GET", "/hello", ""),
    ("hello", "GET", "/hello/ann%20lee", ""),
    ("hello", "GET", "/nowhere", ""),
    ("hello", "POST", "/hello", ""),
    ("items", "GET", "/items/5?q=x", ""),
    ("items", "GET", "/items/abc", ""),
    ("items", "GET", "/items?skip=1", ""),
    (
        "items",
        "POST",
        "/items",
        r#"{"name": "hammer", "price": 9.5}"#,
    ),
    ("items", "POST", "/items", r#"{"name": 5, "tags": "x"}"#),
    ("items", "POST", "/items", "{bad"),
    ("items", "DELETE", "/items/5", ""),
];

#[test]
fn components_answer_the_same_under_wasmtime_serve() {
    for name in ["hello", "items"] {
        let path = wasm(name);
        let path = path.to_str().expect("UTF-8 path");
        let wafer = Server::wafer(&[path]);
        let mut command = Command::new(wasmtime_cli());
        command.args(["serve", "-Scli", "--addr", "127.0.0.1:0", path]);
        let wasmtime = Server::start(command, "Serving HTTP on ")
            .unwrap_or_else(|log| panic!("wasmtime serve did not start:\n{log}"));

        for (component, method, uri, body) in REQUESTS.iter().filter(|r| r.0 == name) {
            let headers: &[(&str, &str)] = if body.is_empty() {
                &[]
            } else {
                &[("content-type", "application/json")]
            };
            let under_wafer = wafer.send(method, uri, headers, body.as_bytes());
            let under_wasmtime = wasmtime.send(method, uri, headers, body.as_bytes());
            assert_eq!(
                essentials(&under_wafer),
                essentials(&under_wasmtime),
                "{component}: {method} {uri} answers differently under wafer and wasmtime serve"
            );
        }
    }
}

/// Without the Wafer host, the SDK checks bearer tokens itself with the key
/// in the component's environment, ignores `wafer-identity` headers (there is
/// no secret to check them with), and fails closed when unconfigured.
#[test]
fn identity_is_verified_by_the_sdk_under_wasmtime_serve() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};

    let path = wasm("auth");
    let path = path.to_str().expect("UTF-8 path");
    let secret = "standalone-secret";
    let serve = |env: &[&str]| {
        let mut command = Command::new(wasmtime_cli());
        command.args(["serve", "-Scli", "--addr", "127.0.0.1:0"]);
        for variable in env {
            command.args(["--env", variable]);
        }
        command.arg(path);
        Server::start(command, "Serving HTTP on ")
            .unwrap_or_else(|log| panic!("wasmtime serve did not start:\n{log}"))
    };
    let configured = serve(&[
        "WAFER_JWT_ALGORITHMS=HS256",
        &format!("WAFER_JWT_KEY={secret}"),
    ]);
    let now = jsonwebtoken::get_current_timestamp();
    let token = |key: &str| {
        let claims = serde_json::json!({"sub": "ann", "exp": now + 600, "scope": "reports:read"});
        let key = EncodingKey::from_secret(key.as_bytes()).expect("key");
        format!(
            "Bearer {}",
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).expect("sign")
        )
    };
    let me = configured.send(
        "GET",
        "/account/me",
        &[("authorization", &token(secret))],
        b"",
    );
    assert_eq!(
        (me.status, me.body.as_str()),
        (200, r#"{"sub":"ann","scopes":["reports:read"]}"#)
    );
    let admin = configured.send(
        "GET",
        "/account/admin",
        &[("authorization", &token(secret))],
        b"",
    );
    assert_eq!(
        (admin.status, admin.body.as_str()),
        (403, r#"{"detail":"Not enough permissions"}"#)
    );
    let forged = configured.send(
        "GET",
        "/account/me",
        &[("authorization", &token("guess"))],
        b"",
    );
    assert_eq!(
        (forged.status, forged.body.as_str()),
        (401, r#"{"detail":"Could not validate credentials"}"#)
    );
    let header_only = configured.send("GET", "/account/me", &[("wafer-identity", "x.y.z")], b"");
    assert_eq!(
        (header_only.status, header_only.body.as_str()),
        (401, r#"{"detail":"Not authenticated"}"#)
    );
    let key_only = configured.send("GET", "/account/usage", &[("x-api-key", "anything")], b"");
    assert_eq!(
        key_only.status, 500,
        "API keys fail closed off the Wafer host"
    );

    let unconfigured = serve(&[]);
    let refused = unconfigured.send(
        "GET",
        "/account/me",
        &[("authorization", &token(secret))],
        b"",
    );
    assert_eq!(refused.status, 500);
    assert!(
        refused.body.contains(
            "Authentication is not configured: set WAFER_JWT_ALGORITHMS and WAFER_JWT_KEY"
        ),
        "{}",
        refused.body
    );
    assert_eq!(unconfigured.get("/account/public").status, 200);
}

/// The gateway's outbound calls, fan-out and event stream work the same
/// under `wasmtime serve`, which knows nothing of Wafer: the SDK's executor
/// and client use only `wasi:io` and `wasi:http`.
#[test]
fn the_gateway_fans_out_and_streams_the_same_under_wasmtime_serve() {
    let upstream = Upstream::start();
    let path = wasm("gateway");
    let mut command = Command::new(wasmtime_cli());
    command.args(["serve", "-Scli", "--addr", "127.0.0.1:0", "--env"]);
    command.arg(format!("UPSTREAM={}", upstream.url)).arg(&path);
    let wasmtime = Server::start(command, "Serving HTTP on ")
        .unwrap_or_else(|log| panic!("wasmtime serve did not start:\n{log}"));

    fans_out_at_once(&wasmtime);

    let echo = wasmtime.post_json("/gateway/echo", r#"{"a":[1,2]}"#);
    assert_eq!((echo.status, echo.body.as_str()), (200, r#"{"a":[1,2]}"#));
    let slow = wasmtime.get("/gateway/fanout?delays=3000&timeout_ms=200");
    assert_eq!(
        (slow.status, slow.body.as_str()),
        (504, r#"{"detail":"Gateway Timeout"}"#)
    );

    let started = Instant::now();
    let events = wasmtime.get("/gateway/events?n=3&interval_ms=200");
    assert_eq!(events.status, 200);
    assert_eq!(events.header("content-type"), Some("text/event-stream"));
    assert_eq!(
        events.body,
        "data: {\"i\":0}\n\ndata: {\"i\":1}\n\ndata: {\"i\":2}\n\n"
    );
    assert!(started.elapsed() >= Duration::from_millis(400));
}

/// The same under Spin (`$SPIN`, Spin 4.0.2 in CI; skipped without it), whose
/// `allowed_outbound_hosts` refuses the host Wafer's would.
#[test]
fn the_gateway_fans_out_and_streams_the_same_under_spin() {
    let Some(spin) = std::env::var_os("SPIN").map(PathBuf::from) else {
        eprintln!("skipped: set SPIN to a spin binary to run the gateway under Spin");
        return;
    };
    let upstream = Upstream::start();
    let (spin, _folder) = spin_up(
        &spin,
        &format!(
            "spin_manifest_version = 2\n\n[application]\nname = \"gateway\"\nversion = \"0.1.0\"\n\n\
             [[trigger.http]]\nroute = \"/gateway/...\"\ncomponent = \"gateway\"\n\n\
             [component.gateway]\nsource = {:?}\nallowed_outbound_hosts = [{:?}]\n\
             environment = {{ UPSTREAM = {:?} }}\n",
            wasm("gateway"),
            upstream.url,
            upstream.url,
        ),
        None,
    );

    fans_out_at_once(&spin);
    let events = spin.get("/gateway/events?n=3&interval_ms=100");
    assert_eq!(
        (events.status, events.body.as_str()),
        (
            200,
            "data: {\"i\":0}\n\ndata: {\"i\":1}\n\ndata: {\"i\":2}\n\n"
        )
    );
    let denied = spin.get("/gateway/fetch?url=http://example.com/");
    assert_eq!(
        (denied.status, denied.body.as_str()),
        (
            502,
            r#"{"detail":"Bad Gateway: outbound requests to example.com are not allowed"}"#
        )
    );
    drop(spin);
}

/// The todos run on Spin's own default store, through the same
/// `wasi:keyvalue@0.2.0-draft2`; without the grant, Spin denies the store as
/// Wafer does.
#[test]
fn the_todos_run_on_spins_key_value_store() {
    let Some(spin) = std::env::var_os("SPIN").map(PathBuf::from) else {
        eprintln!("skipped: set SPIN to a spin binary to run the todos under Spin");
        return;
    };
    let serve = |grants: &str| spin_up(&spin, &spin_todos_manifest(grants), None);
    let (spin_todos, _folder) = serve("\"default\"");
    let created = spin_todos.post_json("/todos", r#"{"title":"milk"}"#);
    assert_eq!(
        (created.status, created.body.as_str()),
        (201, r#"{"id":1,"title":"milk","done":false}"#)
    );
    assert_eq!(
        spin_todos.get("/todos/1").body,
        r#"{"id":1,"title":"milk","done":false}"#
    );
    assert_eq!(
        spin_todos.get("/todos").body,
        r#"[{"id":1,"title":"milk","done":false}]"#
    );
    assert_eq!(spin_todos.send("DELETE", "/todos/1", &[], b"").status, 204);
    assert_eq!(spin_todos.get("/todos/1").status, 404);
    drop(spin_todos);
    let (denied, _folder) = serve("");
    assert_eq!(
        denied.post_json("/todos", r#"{"title":"milk"}"#).status,
        500
    );
}

/// A Wafer host and a Spin app given the same Redis share the todos: the
/// same keys, the same counter (Spin runs the same `todos.wasm`, its store
/// set to Redis by a runtime config with the keys of Wafer's manifest).
#[test]
fn wafer_and_spin_share_the_todos_on_one_redis() {
    let Some(spin) = std::env::var_os("SPIN").map(PathBuf::from) else {
        eprintln!("skipped: set SPIN to a spin binary to run the todos under Spin");
        return;
    };
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let store = format!(
        "[key_value_store.default]\ntype = \"redis\"\nurl = {:?}\n",
        redis.url()
    );
    let (spin_todos, _folder) = spin_up(&spin, &spin_todos_manifest("\"default\""), Some(&store));
    let wafer_todos = Server::with_manifest(&format!(
        "{store}\n[[component]]\nname = \"todos\"\nroute = \"/todos/...\"\nsource = {:?}\n\
         key_value_stores = [\"default\"]\n",
        wasm("todos"),
    ));
    let created = wafer_todos.post_json("/todos", r#"{"title":"milk"}"#);
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        spin_todos.get("/todos/1").body,
        r#"{"id":1,"title":"milk","done":false}"#
    );
    let from_spin = spin_todos.post_json("/todos", r#"{"title":"eggs"}"#);
    assert_eq!(
        (from_spin.status, from_spin.body.as_str()),
        (201, r#"{"id":2,"title":"eggs","done":false}"#)
    );
    assert_eq!(
        wafer_todos.get("/todos").body,
        r#"[{"id":1,"title":"milk","done":false},{"id":2,"title":"eggs","done":false}]"#
    );
}

/// `wafer export spin` of `examples/wafer.toml` runs under `spin up`, which
/// answers the examples' requests as Wafer does; what Spin cannot do is
/// said.
#[test]
fn the_examples_exported_to_spin_answer_as_wafer_does() {
    let Some(spin) = std::env::var_os("SPIN").map(PathBuf::from) else {
        eprintln!("skipped: set SPIN to a spin binary to run the exported examples under Spin");
        return;
    };
    wasm("hello");
    let manifest = workspace().join("examples/wafer.toml");
    let folder = tempfile::tempdir().expect("temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_wafer"))
        .args(["export", "spin"])
        .arg(&manifest)
        .arg("-o")
        .arg(folder.path())
        .output()
        .expect("run wafer export spin");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.contains("wrote") && said.contains("spin up -f"),
        "{said}"
    );
    assert!(said.contains("[auth]: Spin has no edge gate"), "{said}");
    assert!(
        said.contains("pre_initialize (digits, graphql): "),
        "{said}"
    );
    // The graphql example's own store, which Spin keeps in its SQLite too.
    let runtime_config = std::fs::read_to_string(folder.path().join("runtime-config.toml"))
        .expect("a runtime config for the store `library`");
    assert!(
        runtime_config.contains("[key_value_store.library]\ntype = \"spin\"\n"),
        "{runtime_config}"
    );

    let spin = spin_up_in(&spin, folder.path(), Some("runtime-config.toml"));
    let wafer = Server::wafer(&[manifest.to_str().expect("UTF-8 path")]);
    // A blank image, classified by the same model: snapshotted by Wafer,
    // loaded on the first request by Spin.
    let blank = format!("{{\"images\": [{:?}]}}", [0; 64]);
    let requests: [(&str, &str, &str); 15] = [
        ("POST", "/digits/predict/batch", &blank),
        (
            "POST",
            "/graphql",
            r#"{"query": "mutation { addBook(title: \"Dune\", authorName: \"Frank Herbert\") { id author { name } } }"}"#,
        ),
        (
            "GET",
            "/graphql?query=%7B%20authors%20%7B%20name%20books%20%7B%20title%20%7D%20%7D%20%7D",
            "",
        ),
        ("POST", "/graphql", r#"{"query": "{ books { isbn } }"}"#),
        ("GET", "/graphql/graphiql", ""),
        ("POST", "/digits/predict", r#"{"pixels": [17]}"#),
        ("GET", "/hello", ""),
        ("GET", "/hello/ann%20lee", ""),
        ("GET", "/items/5?q=x", ""),
        ("GET", "/items/abc", ""),
        ("POST", "/items", r#"{"name": "hammer", "price": 9.5}"#),
        ("POST", "/items", r#"{"name": "", "price": 0}"#),
        ("DELETE", "/items/5", ""),
        ("POST", "/todos", r#"{"title": "milk"}"#),
        ("GET", "/todos/1", ""),
    ];
    for (method, path, body) in requests {
        let headers = [("content-type", "application/json")];
        let on_spin = spin.send(method, path, &headers, body.as_bytes());
        let on_wafer = wafer.send(method, path, &headers, body.as_bytes());
        assert_eq!(
            essentials(&on_spin),
            essentials(&on_wafer),
            "{method} {path}"
        );
    }
}

/// The `spin.toml` of the todos, granted `grants`.
fn spin_todos_manifest(grants: &str) -> String {
    format!(
        "spin_manifest_version = 2\n\n[application]\nname = \"todos\"\nversion = \"0.1.0\"\n\n\
         [[trigger.http]]\nroute = \"/todos/...\"\ncomponent = \"todos\"\n\n\
         [component.todos]\nsource = {:?}\nkey_value_stores = [{grants}]\n",
        wasm("todos"),
    )
}

/// `spin up` of a `spin.toml` with this text (and a runtime config with
/// `runtime_config`, if any), on a free port, in a folder of its own (Spin
/// keeps its default store and logs there), kept as long as the server.
fn spin_up(
    spin: &std::path::Path,
    manifest: &str,
    runtime_config: Option<&str>,
) -> (Server, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("temporary folder");
    std::fs::write(folder.path().join("spin.toml"), manifest).expect("write spin.toml");
    if let Some(text) = runtime_config {
        std::fs::write(folder.path().join("runtime-config.toml"), text)
            .expect("write runtime-config.toml");
    }
    let server = spin_up_in(
        spin,
        folder.path(),
        runtime_config.map(|_| "runtime-config.toml"),
    );
    (server, folder)
}

/// `spin up` of the `spin.toml` in `folder` (with the runtime config of that
/// name there, if any), on a free port; Spin keeps its state in `folder`.
fn spin_up_in(
    spin: &std::path::Path,
    folder: &std::path::Path,
    runtime_config: Option<&str>,
) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut command = Command::new(spin);
    command
        .current_dir(folder)
        .env("SPIN_HOME", folder.join("home"))
        .args(["up", "--listen", &format!("127.0.0.1:{port}"), "-f"])
        .arg(folder.join("spin.toml"));
    if let Some(name) = runtime_config {
        command.arg("--runtime-config-file").arg(folder.join(name));
    }
    Server::start(command, "Serving ").unwrap_or_else(|log| panic!("spin up did not start:\n{log}"))
}

/// The gateway's three 300 ms upstream calls run at once: the answer comes in
/// well under the 900 ms they take one after another.
fn fans_out_at_once(server: &Server) {
    let started = Instant::now();
    let fanout = server.get("/gateway/fanout?delays=300,300,300");
    let elapsed = started.elapsed();
    assert_eq!(fanout.status, 200, "{}", fanout.body);
    let result = serde_json::json!({"status": 200, "body": {"delay_ms": 300}});
    assert_eq!(
        fanout.json()["results"],
        serde_json::json!([result, result, result])
    );
    assert!(
        elapsed < Duration::from_millis(700),
        "three 300 ms calls took {elapsed:?}"
    );
}

/// What must be the same: status, content type, `allow`, body.
fn essentials(reply: &Reply) -> (u16, Option<&str>, Option<&str>, &str) {
    (
        reply.status,
        reply.header("content-type"),
        reply.header("allow"),
        reply.body.as_str(),
    )
}

/// `wasmtime` of the host's wasmtime version: `$WASMTIME`, or installed from
/// crates.io into `target/tools` on first use (about ten minutes, once).
fn wasmtime_cli() -> PathBuf {
    static CLI: OnceLock<PathBuf> = OnceLock::new();
    CLI.get_or_init(|| {
        if let Some(path) = std::env::var_os("WASMTIME") {
            return PathBuf::from(path);
        }
        let version = locked_version("wasmtime");
        let root = target_dir().join("tools").join(format!("wasmtime-{version}"));
        let binary = root.join("bin/wasmtime");
        if !binary.exists() {
            eprintln!("installing wasmtime-cli {version} into {} (once)", root.display());
            let status = Command::new(cargo())
                .args(["install", "wasmtime-cli", "--locked", "--version"])
                .arg(format!("={version}"))
                .args(["--no-default-features", "--features"])
                .arg("serve,run,cranelift,component-model,component-model-async,pooling-allocator,parallel-compilation")
                .arg("--root")
                .arg(&root)
                .status()
                .expect("run cargo install");
            assert!(status.success(), "installing wasmtime-cli {version} failed");
        }
        binary
    })
    .clone()
}

/// The version of a package in the workspace's `Cargo.lock`.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string(workspace().join("Cargo.lock")).expect("read Cargo.lock");
    let marker = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&marker).expect("package in Cargo.lock") + marker.len();
    lock[start..].split('"').next().expect("version").to_owned()
}

#[test]
fn wafer_serves_components_not_built_with_its_sdk() {
    let plain = wasm("plain");
    let server = Server::wafer(&[plain.to_str().expect("UTF-8 path")]);
    let reply = server.get("/anything");
    assert_eq!((reply.status, reply.body.as_str()), (200, "plain"));
}
