//! One set of API docs for every component: the merged document, Swagger UI
//! and ReDoc, served by the host.

use serde_json::Value;

use crate::examples::examples;
use crate::support::components::target_dir;
use crate::support::process::wafer;
use crate::support::python::{python, validate_openapi};
use crate::support::{Server, refused_start, run_tool, wasm, workspace};

fn examples_manifest() -> String {
    workspace()
        .join("examples/wafer.toml")
        .display()
        .to_string()
}

/// Writes a manifest into a temporary folder.
fn manifest(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("wafer.toml");
    std::fs::write(&path, text).expect("write manifest");
    path.display().to_string()
}

fn component(name: &str, route: &str, wasm_name: &str) -> String {
    format!(
        "[[component]]\nname = {name:?}\nroute = {route:?}\nsource = {:?}\n\n",
        wasm(wasm_name)
    )
}

#[test]
fn the_merged_document_has_every_component_and_is_valid() {
    wasm("hello");
    let output = wafer()
        .args(["openapi", &examples_manifest()])
        .output()
        .expect("run wafer openapi");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let merged: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(merged["info"]["title"], "Wafer examples");
    let paths: Vec<&str> = merged["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        paths,
        [
            "/hello",
            "/hello/{name}",
            "/items",
            "/items/{item_id}",
            "/account/public",
            "/account/me",
            "/account/reports",
            "/account/admin",
            "/account/usage",
            "/account/whoami",
            "/gateway/fanout",
            "/gateway/echo",
            "/gateway/fetch",
            "/gateway/events",
            "/gateway/orders",
            "/todos",
            "/todos/{todo_id}",
            "/digits/predict",
            "/digits/predict/batch",
            "/graphql",
            "/graphql/graphiql",
            "/graphql/graphiql/{file}",
            "/shop/login",
            "/shop/me",
            "/shop/upload",
            "/shop/orders",
            "/shop/orders/{order_id}",
            "/shop/catalog/",
            "/shop/old",
            "/shop/admin",
        ]
    );
    assert_eq!(
        merged["paths"]["/hello"]["get"]["tags"],
        serde_json::json!(["hello"])
    );
    assert_eq!(merged["tags"][1]["name"], "items");
    assert_eq!(
        merged["tags"][1]["description"],
        "An items API with FastAPI's validation."
    );
    if let Err(report) = validate_openapi(&merged) {
        panic!("the merged document is not valid OpenAPI:\n{report}");
    }
    // The host serves the same document.
    assert_eq!(examples().get("/openapi.json").json(), merged);
}

#[test]
fn swagger_ui_and_redoc_are_served_from_the_binary() {
    let server = examples();
    let reply = server.get("/docs");
    assert_eq!(
        (reply.status, reply.header("location")),
        (308, Some("/docs/"))
    );
    let reply = server.get("/docs/");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    assert!(
        reply.body.contains("swagger-ui-bundle.js"),
        "{}",
        reply.body
    );
    // No site may frame the pages (clickjacking), and they run only what
    // they need: the browser test fails on anything the policy blocks.
    for page in ["/docs/", "/redoc"] {
        let reply = server.get(page);
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{page}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{page}"
        );
        let policy = reply.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "script-src 'self';",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{page}: {policy}");
        }
    }
    let reply = server.get("/docs/swagger-initializer.js");
    assert!(
        reply.body.contains("\"url\": \"/openapi.json\""),
        "{}",
        reply.body
    );
    assert_eq!(server.get("/docs/swagger-ui-bundle.js").status, 200);

    let reply = server.get("/redoc");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .body
            .contains(r#"<redoc spec-url="/openapi.json"></redoc>"#),
        "{}",
        reply.body
    );
    let script = server.get("/redoc/redoc.standalone.js");
    assert_eq!(
        (script.status, script.header("content-type")),
        (200, Some("text/javascript"))
    );
    assert!(
        !script.body.contains("cdn.redoc.ly"),
        "the script fetches nothing from a CDN"
    );
}

#[test]
fn docs_paths_are_configurable_and_can_be_turned_off() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = manifest(
        &dir,
        &format!(
            "[docs]\ntitle = \"Hello only\"\nopenapi = \"/api/spec.json\"\nswagger_ui = \"/swagger\"\nredoc = false\n\n{}",
            component("hello", "/hello/...", "hello")
        ),
    );
    let server = Server::wafer(&[&path]);
    assert_eq!(
        server.get("/api/spec.json").json()["info"]["title"],
        "Hello only"
    );
    assert!(
        server
            .get("/swagger/swagger-initializer.js")
            .body
            .contains("/api/spec.json")
    );
    for gone in ["/redoc", "/docs/", "/openapi.json"] {
        assert_eq!(server.get(gone).status, 404, "{gone}");
    }
}

#[test]
fn a_path_documented_by_two_components_stops_the_host() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = manifest(
        &dir,
        &format!(
            "{}{}",
            component("hello", "/hello/...", "hello"),
            component("greeter", "/greet/...", "hello")
        ),
    );
    let stderr = refused_start(&path);
    assert!(
        stderr.contains(
            "the path /hello is documented by both component \"hello\" and component \"greeter\""
        ),
        "{stderr}"
    );
}

#[test]
fn a_component_without_a_document_is_served_and_described_as_such() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let components = format!(
        "{}{}",
        component("hello", "/hello/...", "hello"),
        component("plain", "/plain/...", "plain")
    );
    let server = Server::wafer(&[&manifest(&dir, &components)]);
    assert_eq!(server.get("/plain/x").body, "plain");
    let document = server.get("/openapi.json").json();
    assert_eq!(
        document["tags"][1]["description"],
        "This component has no API description."
    );
    assert!(
        server.log().lines().any(|line| line.contains("WARN")
            && line.contains("plain")
            && line.contains("no API description")),
        "{}",
        server.log()
    );
    drop(server);

    let strict = manifest(&dir, &format!("[docs]\nstrict = true\n\n{components}"));
    let stderr = refused_start(&strict);
    assert!(
        stderr.contains("does not export wafer:app/metadata@0.1.0"),
        "{stderr}"
    );
}

/// Schemathesis sends generated valid and invalid requests to every operation
/// of the merged document: no 5xx, only documented status codes, and bodies
/// that match their schemas.
#[test]
fn schemathesis_finds_nothing() {
    let server = examples();
    let schemathesis = python().with_file_name("schemathesis");
    let mut command = std::process::Command::new(schemathesis);
    command
        .args(["run", &format!("{}/openapi.json", server.url)])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,response_schema_conformance",
        ])
        .args([
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "30",
        ])
        .args(["--workers", "1", "--seed", "20261129", "--no-color"])
        // The gateway's answers are its upstream's, which this server does
        // not run (and `/gateway/fetch`'s refusals are 502 by design): its
        // error paths have tests of their own (gateway.rs).
        .args(["--exclude-path-regex", "^/gateway/"])
        // Schemathesis keeps its example database in the working directory.
        .current_dir(target_dir());
    if let Err(report) = run_tool(&mut command) {
        panic!("schemathesis found problems:\n{report}");
    }
}
