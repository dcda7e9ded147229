//! A Wafer component is a plain `wasi:http/proxy` component: it imports only
//! standard WASI 0.2 interfaces, and runs unchanged under `wasmtime serve`,
//! answering there exactly as under Wafer.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::support::components::{cargo, target_dir};
use crate::support::{Reply, Server, wasm, workspace};

#[test]
fn components_import_only_standard_wasi_and_export_the_handler_and_metadata() {
    let engine = wasmtime::Engine::default();
    for name in ["hello", "items"] {
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
