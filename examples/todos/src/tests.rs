//! The todos against an in-memory store.

use serde_json::json;
use wafer::testing::TestClient;

use super::app;

#[test]
fn crud() {
    let client = TestClient::new(app());
    let created = client.post("/todos").json(&json!({"title": "milk"})).send();
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.json(),
        json!({"id": 1, "title": "milk", "done": false})
    );
    let second = client
        .post("/todos")
        .json(&json!({"title": "eggs", "done": true}))
        .send();
    assert_eq!(second.json()["id"], 2);

    assert_eq!(
        client.get("/todos/1").send().json(),
        json!({"id": 1, "title": "milk", "done": false})
    );
    assert_eq!(
        client.get("/todos").send().json().as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        client.get("/todos?offset=1&limit=1").send().json(),
        json!([{"id": 2, "title": "eggs", "done": true}])
    );

    let replaced = client
        .put("/todos/1")
        .json(&json!({"title": "oat milk"}))
        .send();
    assert_eq!(
        replaced.json(),
        json!({"id": 1, "title": "oat milk", "done": false})
    );
    let patched = client.patch("/todos/1").json(&json!({"done": true})).send();
    assert_eq!(
        patched.json(),
        json!({"id": 1, "title": "oat milk", "done": true})
    );

    let deleted = client.delete("/todos/1").send();
    assert_eq!(
        (deleted.status().as_u16(), deleted.text()),
        (204, String::new())
    );
    let missing = client.get("/todos/1").send();
    assert_eq!(
        (missing.status().as_u16(), missing.json()),
        (404, json!({"detail": "Todo not found"}))
    );
    assert_eq!(client.delete("/todos/1").send().status(), 404);
    assert_eq!(
        client
            .put("/todos/9")
            .json(&json!({"title": "x"}))
            .send()
            .status(),
        404
    );
    assert_eq!(
        client.patch("/todos/9").json(&json!({})).send().status(),
        404
    );
}

#[test]
fn invalid_todos_are_fastapis_422() {
    let client = TestClient::new(app());
    let empty = client.post("/todos").json(&json!({"title": ""})).send();
    assert_eq!(empty.status(), 422);
    assert_eq!(empty.json()["detail"][0]["type"], "string_too_short");
    let long = client
        .post("/todos")
        .json(&json!({"title": "x".repeat(201)}))
        .send();
    assert_eq!(long.json()["detail"][0]["type"], "string_too_long");
    assert_eq!(client.get("/todos?limit=0").send().status(), 422);
    assert_eq!(client.get("/todos/abc").send().status(), 422);
    // Nothing was stored by the refused requests.
    assert!(client.store("default").all_keys().expect("keys").is_empty());
}

#[test]
fn the_openapi_document_matches_its_golden_file() {
    TestClient::new(app())
        .assert_openapi_matches(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"));
}
