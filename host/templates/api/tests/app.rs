//! The app, natively: `cargo test`.

use serde_json::json;
use wafer::testing::TestClient;

#[test]
fn says_hello() {
    let client = TestClient::new({{crate_name}}::app());
    let response = client.get("/hello/ann").send();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json(), json!({"message": "hello, ann"}));
}

#[test]
fn creates_an_item() {
    let client = TestClient::new({{crate_name}}::app());
    let response = client
        .post("/items")
        .json(&json!({"name": "hammer", "price": 9.5}))
        .send();
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json(),
        json!({"name": "hammer", "price": 9.5, "tags": []})
    );
}

#[test]
fn invalid_input_is_answered_as_fastapi_answers_it() {
    let client = TestClient::new({{crate_name}}::app());
    let response = client.get("/items/abc").send();
    assert_eq!(response.status(), 422);
    assert_eq!(response.json()["detail"][0]["type"], "int_parsing");
    let response = client
        .post("/items")
        .json(&json!({"name": "", "price": 0}))
        .send();
    assert_eq!(response.status(), 422);
    assert_eq!(response.json()["detail"].as_array().map(Vec::len), Some(2));
}

#[test]
fn documents_its_routes() {
    let document = TestClient::new({{crate_name}}::app()).openapi();
    assert_eq!(document["info"]["title"], "{{title}}");
    assert!(document["paths"]["/items/{item_id}"]["get"].is_object());
}
