//! Discriminated unions (`#[wafer::union]`) outside the oracle: read by
//! plain `serde_json`, documented, and refused at first use when written
//! wrong.

use serde::{Deserialize, Serialize};
use serde_json::json;
use wafer::testing::TestClient;
use wafer::{App, Json, post};

#[wafer::literal]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum CatTag {
    Cat,
}

#[wafer::literal]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum DogTag {
    Dog,
    Hound,
}

#[wafer::model]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Cat {
    kind: CatTag,
    #[field(ge = 0, le = 9)]
    lives: u8,
}

#[wafer::model]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Dog {
    kind: DogTag,
    name: String,
}

/// A pet.
#[wafer::union(discriminator = "kind")]
#[derive(Debug, PartialEq)]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}

#[test]
fn serde_json_reads_the_variant_its_tag_names() {
    let pet: Pet = serde_json::from_str(r#"{"name": "Rex", "kind": "hound"}"#).expect("a dog");
    let dog = Pet::Dog(Dog {
        kind: DogTag::Hound,
        name: "Rex".to_owned(),
    });
    assert_eq!(pet, dog);
    assert_eq!(
        serde_json::to_value(&dog).expect("serializes"),
        json!({"kind": "hound", "name": "Rex"})
    );
    let pets: Vec<Pet> =
        serde_json::from_str(r#"[{"kind": "cat", "lives": 7}, {"kind": "dog", "name": "Fido"}]"#)
            .expect("pets");
    assert_eq!(pets.len(), 2);
}

#[test]
fn serde_json_refuses_an_unknown_tag_and_a_bad_variant() {
    let unknown = serde_json::from_str::<Pet>(r#"{"kind": "fish"}"#).expect_err("no fish");
    assert!(
        unknown
            .to_string()
            .contains("`kind` does not name a variant: expected 'cat', 'dog', 'hound'"),
        "{unknown}"
    );
    serde_json::from_str::<Pet>(r#"{"name": "Rex"}"#).expect_err("no tag");
    serde_json::from_str::<Pet>(r#"[]"#).expect_err("not an object");
    // The variant's constraints hold outside requests too.
    serde_json::from_str::<Pet>(r#"{"kind": "cat", "lives": 10}"#).expect_err("too many lives");
}

#[post("/pets")]
fn adopt(pet: Json<Pet>) -> Json<Pet> {
    pet
}

#[test]
fn a_request_reads_the_union_and_locates_errors_under_the_tag() {
    let client = TestClient::new(App::new().routes(wafer::routes![adopt]));
    let response = client
        .post("/pets")
        .json(&json!({"kind": "cat", "lives": 3}))
        .send();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json(), json!({"kind": "cat", "lives": 3}));
    let response = client
        .post("/pets")
        .json(&json!({"kind": "cat", "lives": 30}))
        .send();
    assert_eq!(response.status(), 422);
    let detail = response.json();
    assert_eq!(detail["detail"][0]["loc"], json!(["body", "cat", "lives"]));
    assert_eq!(detail["detail"][0]["type"], "less_than_equal");
}

#[test]
fn the_document_has_a_one_of_with_its_discriminator() {
    let document = TestClient::new(App::new().routes(wafer::routes![adopt])).openapi();
    let body =
        &document["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(
        body["oneOf"],
        json!([
            {"$ref": "#/components/schemas/Cat"},
            {"$ref": "#/components/schemas/Dog"},
        ]),
        "{body}"
    );
    assert_eq!(
        body["discriminator"],
        json!({
            "propertyName": "kind",
            "mapping": {
                "cat": "#/components/schemas/Cat",
                "dog": "#/components/schemas/Dog",
                "hound": "#/components/schemas/Dog",
            },
        }),
        "{body}"
    );
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    assert!(
        schemas.contains_key("Cat") && schemas.contains_key("Dog"),
        "{document}"
    );
    assert!(!schemas.contains_key("Pet"), "{document}");
    assert_eq!(
        schemas["Dog"]["properties"]["kind"],
        json!({"type": "string", "enum": ["dog", "hound"]})
    );
    assert!(!document.to_string().contains("x-wafer"), "{document}");
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Untagged {
    name: String,
}

#[wafer::union(discriminator = "kind")]
enum Missing {
    Cat(Cat),
    Untagged(Untagged),
}

#[test]
#[should_panic(expected = "variant Untagged: its type has no field `kind` (the discriminator)")]
fn a_variant_without_the_discriminator_is_refused_at_first_use() {
    let _ = serde_json::from_str::<Missing>(r#"{"kind": "cat", "lives": 1}"#);
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Plain {
    kind: String,
}

#[wafer::union(discriminator = "kind")]
enum NotLiteral {
    Plain(Plain),
}

#[test]
#[should_panic(expected = "variant Plain: its field `kind` is not a #[wafer::literal] enum")]
fn a_discriminator_that_is_not_a_literal_is_refused_at_first_use() {
    let _ = serde_json::from_str::<NotLiteral>(r#"{"kind": "x"}"#);
}

#[wafer::union(discriminator = "kind")]
enum Twice {
    Cat(Cat),
    Again(Cat),
}

#[test]
#[should_panic(expected = "the tag 'cat' names both Cat and Again")]
fn a_tag_of_two_variants_is_refused_at_first_use() {
    let _ = serde_json::from_str::<Twice>(r#"{"kind": "cat", "lives": 1}"#);
}
