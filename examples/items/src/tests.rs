//! The app's behaviour, tested natively with `TestClient`.

use serde_json::json;
use wafer::testing::TestClient;

use super::{Pagination, app};

#[test]
fn creates_an_item() {
    let client = TestClient::new(app());
    let response = client
        .post("/items")
        .json(&json!({"name": "hammer", "price": 9.5}))
        .send();
    assert_eq!(response.status(), 201);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.json(),
        json!({"name": "hammer", "price": 9.5, "tags": []})
    );
}

#[test]
fn reads_an_item() {
    let client = TestClient::new(app());
    assert_eq!(
        client.get("/items/5?q=x").send().json(),
        json!({"id": 5, "q": "x"})
    );
    assert_eq!(
        client.get("/items/5").send().json(),
        json!({"id": 5, "q": null})
    );
}

#[test]
fn rejects_what_fastapi_rejects() {
    let client = TestClient::new(app());
    let response = client.get("/items/abc").send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.text(),
        r#"{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#
    );
    let response = client
        .post("/items")
        .json(&json!({"name": 5, "price": "abc", "tags": "x"}))
        .send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json(),
        json!({"detail": [
            {"type": "string_type", "loc": ["body", "name"], "msg": "Input should be a valid string", "input": 5},
            {"type": "float_parsing", "loc": ["body", "price"], "msg": "Input should be a valid number, unable to parse string as a number", "input": "abc"},
            {"type": "list_type", "loc": ["body", "tags"], "msg": "Input should be a valid list", "input": "x"},
        ]})
    );
}

#[test]
fn lists_a_page_of_items() {
    let client = TestClient::new(app());
    let names = |uri: &str| -> Vec<String> {
        let items = client.get(uri).send().json();
        items
            .as_array()
            .map(|items| items.iter().map(|item| item["name"].to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(names("/items"), ["\"hammer\"", "\"saw\"", "\"drill\""]);
    assert_eq!(names("/items?skip=1&limit=1"), ["\"saw\""]);
    let response = client.get("/items?limit=many").send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json()["detail"][0]["loc"],
        json!(["query", "limit"])
    );
}

#[test]
fn the_pagination_dependency_can_be_overridden() {
    let mut client = TestClient::new(app());
    client.override_dependency(|_| Ok(Pagination { skip: 2, limit: 1 }));
    let items = client.get("/items?skip=0").send().json();
    assert_eq!(items, json!([{"name": "drill", "price": 89.9, "tags": []}]));
}

#[test]
fn enforces_the_constraints_of_the_fastapi_app() {
    let client = TestClient::new(app());
    let response = client
        .post("/items")
        .json(&json!({"name": "", "price": 0, "tags": vec!["a"; 11]}))
        .send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.text(),
        r#"{"detail":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},{"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0.0}},{"type":"too_long","loc":["body","tags"],"msg":"List should have at most 10 items after validation, not 11","input":["a","a","a","a","a","a","a","a","a","a","a"],"ctx":{"field_type":"List","max_length":10,"actual_length":11}}]}"#
    );
    let response = client.get(&format!("/items/0?q={}", "x".repeat(21))).send();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.text(),
        r#"{"detail":[{"type":"greater_than_equal","loc":["path","item_id"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}},{"type":"string_too_long","loc":["query","q"],"msg":"String should have at most 20 characters","input":"xxxxxxxxxxxxxxxxxxxxx","ctx":{"max_length":20}}]}"#
    );
}
