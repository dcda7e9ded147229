//! The todos against an in-memory store: `cargo test`.

use serde_json::json;
use wafer::testing::TestClient;

#[test]
fn crud() {
    let client = TestClient::new({{crate_name}}::app());
    let created = client.post("/todos").json(&json!({"title": "milk"})).send();
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.json(),
        json!({"id": 1, "title": "milk", "done": false})
    );
    client.post("/todos").json(&json!({"title": "eggs"})).send();
    assert_eq!(
        client.get("/todos?offset=1").send().json(),
        json!([{"id": 2, "title": "eggs", "done": false}])
    );
    let patched = client.patch("/todos/1").json(&json!({"done": true})).send();
    assert_eq!(
        patched.json(),
        json!({"id": 1, "title": "milk", "done": true})
    );
    assert_eq!(client.delete("/todos/1").send().status(), 204);
    let missing = client.get("/todos/1").send();
    assert_eq!(
        (missing.status().as_u16(), missing.json()),
        (404, json!({"detail": "Todo not found"}))
    );
}

#[test]
fn the_store_can_be_seeded_and_inspected() {
    let client = TestClient::new({{crate_name}}::app());
    client
        .store("default")
        .set("todo:00000000000000000007", br#"{"id":7,"title":"seeded","done":false}"#)
        .expect("a store");
    assert_eq!(client.get("/todos/7").send().json()["title"], "seeded");
    client.post("/todos").json(&json!({"title": "milk"})).send();
    assert!(client.store("default").exists("next-id").expect("a store"));
}

#[test]
fn invalid_todos_are_refused() {
    let client = TestClient::new({{crate_name}}::app());
    let response = client.post("/todos").json(&json!({"title": ""})).send();
    assert_eq!(response.status(), 422);
    assert_eq!(response.json()["detail"][0]["type"], "string_too_short");
}
