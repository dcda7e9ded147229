//! A guest that panics or traps costs one request a 500, never the host.

use crate::support::{Server, wasm};

#[test]
fn panics_and_traps_cost_one_request() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[[component]]\nname = \"faulty\"\nroute = \"/faulty/...\"\nsource = {:?}\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
            wasm("faulty"),
            wasm("hello"),
        ),
    )
    .expect("write manifest");
    let server = Server::wafer(&[manifest.to_str().expect("UTF-8 path")]);

    for (path, status, body) in [
        ("/faulty/ok", 200, "ok"),
        // The SDK's panic hook answers before the instance aborts.
        (
            "/faulty/panic",
            500,
            r#"{"detail":"Internal Server Error"}"#,
        ),
        ("/faulty/ok", 200, "ok"),
        // No answer at all from the guest: the host answers for it.
        ("/faulty/trap", 500, r#"{"detail":"Internal Server Error"}"#),
        ("/faulty/ok", 200, "ok"),
        ("/hello", 200, r#"{"message":"hello"}"#),
    ] {
        let reply = server.get(path);
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (status, body),
            "GET {path}"
        );
        if status == 500 {
            assert_eq!(reply.header("content-type"), Some("application/json"));
        }
    }

    let log = server.wait_for_log("guest trapped");
    assert!(
        log.lines().any(|line| line.contains("guest trapped")
            && line.contains("component=faulty")
            && line.contains("reason=wasm trap: wasm `unreachable` instruction executed")),
        "the trap is logged on one line with the component's name and the reason:\n{log}"
    );
    assert!(log.contains("guest failed after responding"), "{log}");
    assert!(
        log.lines()
            .any(|line| line.contains("path=/faulty/trap") && line.contains("status=500")),
        "one line per request, with its status:\n{log}"
    );
}
