//! Key-value stores: the todos example over `wasi:keyvalue`, on the host's
//! embedded store, through restarts and a `kill -9`.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::support::{Server, wasm};

/// The todos component, granted `grants`, with `extra` manifest text.
fn manifest(folder: &Path, grants: &str, extra: &str) -> String {
    let path = folder.join("wafer.toml");
    std::fs::write(
        &path,
        format!(
            "[[component]]\nname = \"todos\"\nroute = \"/todos/...\"\nsource = {:?}\n\
             key_value_stores = [{grants}]\n\n{extra}",
            wasm("todos"),
        ),
    )
    .expect("write manifest");
    path.display().to_string()
}

/// A host serving `manifest` with its data in `data`.
fn serve(manifest: &str, data: &Path) -> Server {
    Server::wafer(&[manifest, "--data-dir", data.to_str().expect("UTF-8 path")])
}

#[test]
fn todos_crud_over_http_and_the_data_survives_a_restart() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let data = folder.path().join("data");
    let manifest = manifest(folder.path(), "\"default\"", "");
    let mut server = serve(&manifest, &data);
    let created = server.post_json("/todos", r#"{"title":"milk"}"#);
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.json(),
        json!({"id": 1, "title": "milk", "done": false})
    );
    assert_eq!(
        server
            .post_json("/todos", r#"{"title":"eggs","done":true}"#)
            .json()["id"],
        2
    );
    let patched = server.send(
        "PATCH",
        "/todos/1",
        &[("content-type", "application/json")],
        br#"{"done":true}"#,
    );
    assert_eq!(
        patched.json(),
        json!({"id": 1, "title": "milk", "done": true})
    );
    let replaced = server.send(
        "PUT",
        "/todos/2",
        &[("content-type", "application/json")],
        br#"{"title":"bread"}"#,
    );
    assert_eq!(
        replaced.json(),
        json!({"id": 2, "title": "bread", "done": false})
    );
    assert_eq!(
        server.get("/todos?offset=0&limit=10").json(),
        json!([{"id": 1, "title": "milk", "done": true}, {"id": 2, "title": "bread", "done": false}])
    );
    let deleted = server.send("DELETE", "/todos/2", &[], b"");
    assert_eq!((deleted.status, deleted.body.as_str()), (204, ""));
    let missing = server.get("/todos/2");
    assert_eq!(
        (missing.status, missing.json()),
        (404, json!({"detail": "Todo not found"}))
    );
    assert!(
        data.join("kv/default.sqlite3").exists(),
        "the store is not where it should be"
    );

    server.terminate();
    let server = serve(&manifest, &data);
    assert_eq!(
        server.get("/todos/1").json(),
        json!({"id": 1, "title": "milk", "done": true})
    );
    // The counter survived too: ids are never reused.
    assert_eq!(
        server.post_json("/todos", r#"{"title":"tea"}"#).json()["id"],
        3
    );
}

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let data = folder.path().join("data");
    let manifest = manifest(folder.path(), "\"default\"", "");
    let server = serve(&manifest, &data);
    let url = server.url.clone();
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for n in 0.. {
                    let body = format!(r#"{{"title":"w{writer}-{n}"}}"#);
                    // Until the host is killed: its last answers may not come.
                    let Ok(reply) = crate::support::client::try_request(
                        "POST",
                        &format!("{url}/todos"),
                        &[("content-type", "application/json")],
                        body.as_bytes(),
                    ) else {
                        break;
                    };
                    if reply.status != 201 {
                        break;
                    }
                    acknowledged.push((reply.json()["id"].as_i64().expect("id"), body));
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.signal("KILL");
    let acknowledged: Vec<(i64, String)> = writers
        .into_iter()
        .flat_map(|writer| writer.join().expect("writer"))
        .collect();
    assert!(
        acknowledged.len() > 20,
        "only {} writes before the kill",
        acknowledged.len()
    );
    drop(server);

    let server = serve(&manifest, &data);
    for (id, body) in &acknowledged {
        let todo = server.get(&format!("/todos/{id}"));
        assert_eq!(todo.status, 200, "acknowledged todo {id} is gone");
        let title: serde_json::Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(todo.json()["title"], title["title"]);
    }
    let connection =
        rusqlite::Connection::open(data.join("kv/default.sqlite3")).expect("open the store");
    let check: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
}

#[test]
fn a_component_without_the_grant_is_denied() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(folder.path(), "", "");
    let server = serve(&manifest, &folder.path().join("data"));
    let refused = server.post_json("/todos", r#"{"title":"milk"}"#);
    assert_eq!(
        (refused.status, refused.json()),
        (500, json!({"detail": "Internal Server Error"}))
    );
    server
        .wait_for_log("may not open the key-value store \\\"default\\\": grant it in the manifest");
    assert!(
        !folder.path().join("data/kv").exists(),
        "a store was made without a grant"
    );
}

#[test]
fn store_limits_are_errors_and_the_host_serves_on() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let manifest = manifest(
        folder.path(),
        "\"default\"",
        "[key_value_limits]\nmax_value_bytes = 80\nmax_operations_per_request = 3\n",
    );
    let server = serve(&manifest, &folder.path().join("data"));
    let long = format!(r#"{{"title":"{}"}}"#, "x".repeat(100));
    assert_eq!(server.post_json("/todos", &long).status, 500);
    server.wait_for_log("is larger than 80 (max_value_bytes)");
    for title in ["a", "b", "c"] {
        let created = server.post_json("/todos", &format!(r#"{{"title":"{title}"}}"#));
        assert_eq!(created.status, 201, "{}", created.body);
    }
    // Listing three todos takes a list and three reads: over 3.
    assert_eq!(server.get("/todos").status, 500);
    server.wait_for_log("key-value operations in one request (max_operations_per_request)");
    // The refused write had taken id 1 already: ids are never reused.
    assert_eq!(server.get("/todos/2").json()["title"], "a");
}

#[test]
fn store_settings_that_cannot_work_stop_the_start() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let bad_type = manifest(
        folder.path(),
        "\"default\"",
        "[key_value_store.default]\ntype = \"mongo\"\n",
    );
    let (status, log) = crate::support::run_to_exit(&["serve", &bad_type]);
    assert!(!status.success());
    assert!(log.contains("key_value_store.default.type"), "{log}");
    let bad_grant = manifest(folder.path(), "\"no/slashes\"", "");
    let (status, log) = crate::support::run_to_exit(&["serve", &bad_grant]);
    assert!(!status.success());
    assert!(log.contains("key_value_stores"), "{log}");
}

/// A component built against wasmtime's `wasi:keyvalue@0.2.0-draft` (numeric
/// list cursors, unsigned increments, `get-many` of options) shares the
/// store with one built against the SDK's draft2.
#[test]
fn components_of_the_other_keyvalue_version_are_served_too() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("wafer.toml");
    std::fs::write(
        &path,
        format!(
            "[[component]]\nname = \"kvdraft\"\nroute = \"/draft/...\"\nsource = {:?}\n\
             key_value_stores = [\"default\"]\n\n\
             [[component]]\nname = \"todos\"\nroute = \"/todos/...\"\nsource = {:?}\n\
             key_value_stores = [\"default\"]\n\n\
             [[component]]\nname = \"ungranted\"\nroute = \"/ungranted/...\"\nsource = {:?}\n\n\
             [key_value_limits]\nmax_keys_per_list = 2\n",
            wasm("kvdraft"),
            wasm("todos"),
            wasm("kvdraft"),
        ),
    )
    .expect("write manifest");
    let server = serve(
        path.to_str().expect("UTF-8 path"),
        &folder.path().join("data"),
    );
    assert_eq!(
        server.post_json("/todos", r#"{"title":"milk"}"#).status,
        201
    );
    let first = server.get("/draft/");
    // Pages of two keys: the draft's numeric cursors walk all of them.
    assert_eq!(
        first.body,
        r#"hits=1 keys=["a", "b", "hits", "next-id", "todo:00000000000000000001"] many=["a=1", "none"]"#
    );
    assert!(server.get("/draft/").body.starts_with("hits=2 "));
    assert_eq!(server.get("/ungranted/").body, "denied");
}
