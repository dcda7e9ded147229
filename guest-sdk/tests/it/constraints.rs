//! Constrained model fields are validated whoever deserializes them: a valid
//! body needs only `serde_json` (no pass bound to fail first), an invalid
//! one never gets through, also where serde buffers the input (`flatten`).

use serde::Deserialize;
use serde_json::json;
use wafer::testing::TestClient;
use wafer::{App, Json, post};

#[wafer::model]
#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    #[field(min_length = 1, pattern = "^[a-z]+$")]
    name: String,
    #[field(gt = 0)]
    price: f64,
    #[serde(default)]
    #[field(max_length = 2)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Listing {
    #[serde(flatten)]
    item: Item,
    seller: String,
}

#[post("/listings")]
fn listing(Json(listing): Json<Listing>) -> String {
    format!("{} by {}", listing.item.name, listing.seller)
}

#[test]
fn serde_json_alone_reads_a_valid_constrained_model() {
    let item: Item = serde_json::from_value(json!({"name": "hammer", "price": 9.5}))
        .expect("a valid item deserializes without wafer's validating pass");
    assert_eq!(
        item,
        Item {
            name: "hammer".into(),
            price: 9.5,
            tags: vec![]
        }
    );
    // Each constraint is still checked, with its own value's conversions.
    let item: Item = serde_json::from_str(r#"{"name": "saw", "price": "2", "tags": ["a"]}"#)
        .expect("lax conversion of a constrained field");
    assert_eq!(item.price, 2.0);
}

#[test]
fn serde_json_refuses_what_the_constraints_refuse() {
    for invalid in [
        json!({"name": "", "price": 1}),
        json!({"name": "Hammer", "price": 1}),
        json!({"name": "saw", "price": 0}),
        json!({"name": "saw", "price": 1, "tags": ["a", "b", "c"]}),
    ] {
        let error = serde_json::from_value::<Item>(invalid.clone())
            .expect_err("constraints hold outside wafer's validation too");
        assert!(!error.to_string().is_empty(), "{invalid}");
    }
}

#[test]
fn constraints_hold_inside_flattened_models() {
    let client = TestClient::new(App::new().routes(wafer::routes![listing]));
    let valid = client
        .post("/listings")
        .json(&json!({"name": "saw", "price": 3, "seller": "ann"}))
        .send();
    assert_eq!(
        (valid.status().as_u16(), valid.text()),
        (200, "saw by ann".into())
    );
    // serde buffers a flattened struct's input and replays it through a
    // deserializer of its own: the constraints are checked all the same.
    let invalid = client
        .post("/listings")
        .json(&json!({"name": "Saw", "price": 3, "seller": "ann"}))
        .send();
    assert_eq!(invalid.status().as_u16(), 422, "{}", invalid.text());
}
