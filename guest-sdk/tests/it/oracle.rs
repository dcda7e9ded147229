//! Wafer answers every request in `tests/fastapi/cases.json` exactly as FastAPI
//! does: same status, same body, byte for byte.
//!
//! The app below mirrors `tests/fastapi/oracle_app.py` route for route;
//! `tests/fastapi/answers.json` holds FastAPI's recorded answers (see
//! `record.py` there to regenerate them).

use std::collections::BTreeMap;

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::testing::TestClient;
use wafer::{App, Header, Json, Path, Query, get, post};

#[derive(Deserialize, Serialize)]
struct Item {
    name: String,
    price: f64,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Serialize)]
struct Sub {
    a: i64,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(Deserialize, Serialize)]
struct Everything {
    i: Option<i64>,
    f: Option<f64>,
    s: Option<String>,
    b: Option<bool>,
    l: Option<Vec<i64>>,
    d: Option<BTreeMap<String, i64>>,
    m: Option<Sub>,
    c: Option<Color>,
}

#[derive(Deserialize, Serialize)]
struct Order {
    customer: String,
    lines: Vec<Sub>,
    note: Option<String>,
    #[serde(default)]
    rush: bool,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Strict {
    name: String,
}

#[get("/items/{item_id}")]
fn read_item(item_id: Path<i64>, q: Query<Option<String>>) -> Json<Value> {
    Json(json!({"id": *item_id, "q": *q}))
}

#[post("/items", status = 201)]
fn create_item(item: Json<Item>) -> Json<Item> {
    item
}

#[post("/everything")]
fn everything(body: Json<Everything>) -> Json<Everything> {
    body
}

#[post("/orders")]
fn orders(order: Json<Order>) -> Json<Order> {
    order
}

#[post("/strict")]
fn strict(body: Json<Strict>) -> Json<Strict> {
    body
}

#[get("/flags/{flag}")]
fn flags(flag: Path<bool>, n: Query<Option<Vec<i64>>>) -> Json<Value> {
    Json(json!({"flag": *flag, "n": n.0.unwrap_or_default()}))
}

#[get("/headers")]
fn headers(
    count: Query<i64>,
    x_token: Header<String>,
    x_level: Header<Option<i64>>,
) -> Json<Value> {
    Json(json!({"count": *count, "x_token": *x_token, "x_level": *x_level}))
}

#[get("/colors/{color}")]
fn colors(color: Path<Color>) -> Json<Value> {
    Json(json!({"color": *color}))
}

fn app() -> App {
    App::new().routes((
        read_item,
        create_item,
        everything,
        orders,
        strict,
        flags,
        headers,
        colors,
    ))
}

#[derive(Deserialize)]
struct Case {
    method: String,
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct Answer {
    status: u16,
    body: String,
}

fn fixture<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = format!("{}/tests/fastapi/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn answers_like_fastapi() {
    let cases: Vec<Case> = fixture("cases.json");
    let answers: Vec<Answer> = fixture("answers.json");
    assert_eq!(
        cases.len(),
        answers.len(),
        "record.py was not rerun after editing cases.json"
    );

    let client = TestClient::new(app());
    let mut mismatches = Vec::new();
    for (case, expected) in cases.iter().zip(&answers) {
        let method = Method::from_bytes(case.method.as_bytes()).expect("method");
        let mut request = client.request(method, &case.path).body(case.body.clone());
        for (name, value) in &case.headers {
            request = request.header(name, value);
        }
        let response = request.send();
        if response.status() != expected.status || response.text() != expected.body {
            mismatches.push(format!(
                "{} {} {:?}\n  FastAPI: {} {}\n  Wafer:   {} {}",
                case.method,
                case.path,
                case.body,
                expected.status,
                expected.body,
                response.status().as_u16(),
                response.text()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} answers differ from FastAPI's:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}
