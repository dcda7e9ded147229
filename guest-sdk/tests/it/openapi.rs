//! The OpenAPI document generated from routes, and response models.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::testing::TestClient;
use wafer::{App, Cookie, Form, Header, HttpError, Json, Path, Query, UploadFile, get, post};

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Filters {
    /// Words to look for.
    #[field(min_length = 1)]
    text: String,
    page: Option<u32>,
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct UserOut {
    name: String,
    #[field(ge = 0)]
    age: i64,
}

#[derive(Serialize)]
struct UserInDb {
    name: String,
    age: i64,
    password_hash: String,
}

/// Search.
///
/// Finds things.
#[get("/search/{kind}", tags = ["search", "beta"])]
fn search(
    kind: Path<String>,
    Query(filters): Query<Filters>,
    x_trace_id: Header<Option<String>>,
    session: Cookie<Option<String>>,
) -> Json<Vec<String>> {
    let session = session.0.unwrap_or_default();
    Json(vec![
        kind.0,
        filters.text,
        x_trace_id.0.unwrap_or_default(),
        session,
    ])
}

/// Reads a user; the response model leaves the password hash out.
#[get("/users/{id}", response_model = UserOut)]
fn user(id: Path<u32>) -> Result<UserInDb, HttpError> {
    match *id {
        1 => Ok(UserInDb {
            name: "ann".into(),
            age: 31,
            password_hash: "secret".into(),
        }),
        2 => Ok(UserInDb {
            name: "bob".into(),
            age: -1,
            password_hash: "secret".into(),
        }),
        _ => Err(HttpError::not_found("User not found")),
    }
}

#[post("/notes", status = 201)]
fn note(body: Json<Option<Filters>>) -> String {
    body.0.map(|f| f.text).unwrap_or_default()
}

#[post("/login")]
fn login(#[field(min_length = 3)] username: Form<String>, remember: Form<Option<bool>>) -> String {
    format!("{} {:?}", *username, *remember)
}

#[post("/filters")]
fn filters(Form(filters): Form<Filters>) -> String {
    filters.text
}

#[post("/upload")]
fn upload(file: UploadFile, more: Vec<UploadFile>, note: Form<Option<String>>) -> String {
    format!("{} {} {:?}", file.filename(), more.len(), note.0)
}

fn app() -> App {
    App::new()
        .title("Test")
        .serve_openapi("/openapi.json")
        .routes(wafer::routes![search, user, note, login, filters, upload])
}

#[test]
fn the_response_model_filters_and_validates_what_the_handler_returns() {
    let client = TestClient::new(app());
    let response = client.get("/users/1").send();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), r#"{"name":"ann","age":31}"#);
    // A value the model rejects is never sent.
    let response = client.get("/users/2").send();
    assert_eq!(response.status(), 500);
    assert_eq!(response.text(), r#"{"detail":"Internal Server Error"}"#);
    // Errors pass through as they are.
    assert_eq!(client.get("/users/3").send().status(), 404);
}

#[test]
fn operations_come_from_the_signature_and_doc_comment() {
    let document = TestClient::new(app()).openapi();
    let search = &document["paths"]["/search/{kind}"]["get"];
    assert_eq!(search["operationId"], "search");
    assert_eq!(search["summary"], "Search.");
    assert_eq!(search["description"], "Finds things.");
    assert_eq!(search["tags"], json!(["search", "beta"]));
    let parameters: Vec<(String, String, bool)> = search["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["in"].as_str().unwrap_or_default().to_owned(),
                p["required"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        parameters,
        [
            ("kind".into(), "path".into(), true),
            ("text".into(), "query".into(), true),
            ("page".into(), "query".into(), false),
            ("x-trace-id".into(), "header".into(), false),
            ("session".into(), "cookie".into(), false),
        ]
    );
    assert_eq!(search["parameters"][1]["schema"]["minLength"], 1);
    assert_eq!(
        search["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(
        search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/HTTPValidationError"
    );

    let user = &document["paths"]["/users/{id}"]["get"];
    assert_eq!(
        user["summary"],
        "Reads a user; the response model leaves the password hash out."
    );
    assert_eq!(
        user["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/UserOut"
    );
    assert_eq!(
        document["components"]["schemas"]["UserOut"]["properties"]["age"]["minimum"],
        0
    );

    let note = &document["paths"]["/notes"]["post"];
    assert_eq!(note["requestBody"]["required"], false);
    assert_eq!(
        note["responses"]["201"]["content"]["text/plain"]["schema"]["type"],
        "string"
    );
    assert!(document["components"]["schemas"]["ValidationError"].is_object());
}

#[test]
fn form_fields_make_one_form_body() {
    let document = TestClient::new(app()).openapi();
    const FORM: &str = "application/x-www-form-urlencoded";
    // Fields read one by one: one object, named as FastAPI names it.
    let login = &document["paths"]["/login"]["post"]["requestBody"];
    assert_eq!(login["required"], true);
    assert_eq!(
        login["content"][FORM]["schema"]["$ref"],
        "#/components/schemas/Body_login"
    );
    let body = &document["components"]["schemas"]["Body_login"];
    assert_eq!(body["required"], json!(["username"]));
    assert_eq!(body["properties"]["username"]["minLength"], 3);
    assert!(body["properties"]["remember"].is_object(), "{body}");
    // A struct: its own schema, as FastAPI documents a form model.
    let filters = &document["paths"]["/filters"]["post"]["requestBody"];
    assert_eq!(
        filters["content"][FORM]["schema"]["$ref"],
        "#/components/schemas/Filters"
    );
    assert!(document["paths"]["/filters"]["post"]["responses"]["422"].is_object());
    // Files make the form multipart, documented as FastAPI documents them.
    let upload = &document["paths"]["/upload"]["post"]["requestBody"];
    assert_eq!(
        upload["content"]["multipart/form-data"]["schema"]["$ref"],
        "#/components/schemas/Body_upload"
    );
    let body = &document["components"]["schemas"]["Body_upload"];
    let file = json!({"type": "string", "contentMediaType": "application/octet-stream"});
    assert_eq!(body["properties"]["file"], file);
    assert_eq!(
        body["properties"]["more"],
        json!({"type": "array", "items": file})
    );
    assert_eq!(body["required"], json!(["file", "more"]));
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Tagged {
    id: wafer::types::Uuid,
    parent: Option<wafer::types::Uuid>,
    at: wafer::types::DateTime,
    on: wafer::types::Date,
    #[field(ge = 0, max_digits = 10, decimal_places = 2)]
    total: wafer::types::Decimal,
}

#[get("/tagged/{tag_id}")]
fn tagged(
    tag_id: Path<wafer::types::Uuid>,
    #[field(max_digits = 4)] limit: Query<Option<wafer::types::Decimal>>,
    after: Query<Option<wafer::types::Uuid>>,
) -> Json<Tagged> {
    Json(Tagged {
        id: after.0.unwrap_or(*tag_id),
        parent: None,
        at: "2032-04-23T10:20:30Z".parse().expect("a datetime"),
        on: "2032-04-23".parse().expect("a date"),
        total: limit.0.unwrap_or_default(),
    })
}

#[test]
fn pydantic_types_are_documented_as_fastapi_writes_them() {
    let document = TestClient::new(App::new().routes(wafer::routes![tagged])).openapi();
    let uuid = json!({"type": "string", "format": "uuid"});
    let parameter = &document["paths"]["/tagged/{tag_id}"]["get"]["parameters"][0];
    assert_eq!(parameter["schema"]["format"], "uuid", "{parameter}");
    let tagged = &document["components"]["schemas"]["Tagged"];
    assert_eq!(tagged["properties"]["id"], uuid, "{tagged}");
    assert_eq!(
        tagged["properties"]["at"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(
        tagged["properties"]["on"],
        json!({"type": "string", "format": "date"})
    );
    // A decimal is a string in answers, as FastAPI documents it there; the
    // bound stays, digits are not documented (FastAPI leaves them out).
    assert_eq!(
        tagged["properties"]["total"],
        json!({"type": "string", "minimum": 0})
    );
    let limit = &document["paths"]["/tagged/{tag_id}"]["get"]["parameters"][1];
    assert_eq!(
        limit["schema"],
        json!({"oneOf": [{"type": "null"}, {"type": "string"}]}),
        "{limit}"
    );
    // An optional parameter of these types is documented too.
    let after = &document["paths"]["/tagged/{tag_id}"]["get"]["parameters"][2];
    assert_eq!(
        after["schema"],
        json!({"oneOf": [{"type": "null"}, uuid]}),
        "{after}"
    );
    assert_eq!(tagged["required"], json!(["id", "at", "on", "total"]));
}

#[test]
fn an_app_can_serve_its_own_document() {
    let client = TestClient::new(app());
    let response = client.get("/openapi.json").send();
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json(), client.openapi());
    let served: Value = response.json();
    assert_eq!(served["info"]["title"], "Test");
}

#[wafer::literal]
#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
enum Kind {
    #[default]
    Standard,
    Express,
}

#[wafer::literal]
#[derive(Deserialize, Serialize)]
enum Channel {
    #[serde(rename = "email")]
    Email,
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Shipping {
    kind: Kind,
    /// How to reach the customer.
    channel: Option<Channel>,
}

#[post("/shipping")]
fn shipping(kind: Query<Option<Kind>>, body: Json<Shipping>) -> Json<Shipping> {
    Json(Shipping {
        kind: kind.0.unwrap_or(body.0.kind),
        channel: body.0.channel,
    })
}

#[test]
fn literals_are_written_out_where_they_are_used() {
    let document = TestClient::new(App::new().routes(wafer::routes![shipping])).openapi();
    let kind = json!({"type": "string", "enum": ["standard", "express"]});
    let shipping = &document["components"]["schemas"]["Shipping"];
    assert_eq!(shipping["properties"]["kind"], kind, "{shipping}");
    let channel = &shipping["properties"]["channel"];
    // utoipa puts a field's description beside the reference it writes.
    let email = json!({
        "description": "How to reach the customer.",
        "type": "string",
        "const": "email",
    });
    assert_eq!(
        channel["oneOf"],
        json!([email, {"type": "null"}]),
        "{channel}"
    );
    let parameter = &document["paths"]["/shipping"]["post"]["parameters"][0];
    assert_eq!(
        parameter["schema"],
        json!({"oneOf": [{"type": "null"}, kind]}),
        "{parameter}"
    );
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    assert!(!schemas.contains_key("Kind") && !schemas.contains_key("Channel"));
    assert!(!document.to_string().contains("x-wafer"), "{document}");
}
