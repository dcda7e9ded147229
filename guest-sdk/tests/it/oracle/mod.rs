//! Wafer answers every request in `tests/fastapi/cases.json` exactly as FastAPI
//! does: same status, same body, byte for byte.
//!
//! The app below mirrors `tests/fastapi/oracle_app.py` route for route;
//! `tests/fastapi/answers.json` holds FastAPI's recorded answers (see
//! `record.py` there to regenerate them).

mod basic;
mod cookies;
mod files;
mod forms;
mod redirects;
mod types;
mod unions;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
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

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Priced {
    #[field(gt = 0)]
    price: f64,
}

fn half() -> f64 {
    0.5
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Constrained {
    #[field(min_length = 1, max_length = 5)]
    name: String,
    #[field(pattern = "^[a-z]+$")]
    code: Option<String>,
    #[serde(default)]
    #[field(ge = 1, le = 10)]
    n: i64,
    #[serde(default = "half")]
    #[field(gt = 0, lt = 1)]
    x: f64,
    #[serde(default)]
    #[field(multiple_of = 5)]
    m: i64,
    #[serde(default)]
    #[field(multiple_of = 0.5)]
    f: f64,
    #[serde(default)]
    #[field(min_length = 1, max_length = 2)]
    tags: Vec<String>,
    #[serde(default)]
    subs: Vec<Priced>,
}

fn x() -> String {
    "x".into()
}

fn seven() -> i64 {
    7
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Ordered {
    #[serde(default = "x")]
    #[field(min_length = 3, max_length = 2, pattern = "^z")]
    s: String,
    #[serde(default = "seven")]
    #[field(multiple_of = 5, le = 3, lt = 3, ge = 10, gt = 10)]
    i: i64,
    #[serde(default)]
    #[field(multiple_of = 5, le = 3, lt = 3, ge = 10, gt = 10)]
    f: f64,
    #[serde(default)]
    #[field(min_length = 2)]
    l: Vec<String>,
}

#[post("/constrained")]
fn constrained(body: Json<Constrained>) -> Json<Constrained> {
    body
}

#[post("/ordered")]
fn ordered(body: Json<Ordered>) -> Json<Ordered> {
    body
}

#[get("/bounded/{item_id}")]
fn bounded(
    #[field(ge = 1)] item_id: Path<i64>,
    #[field(max_length = 3)] q: Query<Option<String>>,
    #[field(max_length = 2)] k: Query<Option<Vec<i64>>>,
) -> Json<Value> {
    Json(json!({"item_id": *item_id, "q": *q, "k": k.0.unwrap_or_default()}))
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Grid {
    #[field(
        min_length = 1,
        max_length = 3,
        items(min_length = 2, items(ge = 0, le = 9))
    )]
    rows: Vec<Vec<i64>>,
    #[serde(default)]
    #[field(items(gt = 0))]
    scores: Vec<f64>,
    #[field(items(min_length = 1, pattern = "^[a-z]+$"))]
    words: Option<Vec<String>>,
}

#[post("/grid")]
fn grid(body: Json<Grid>) -> Json<Grid> {
    body
}

#[get("/digits")]
fn digits(#[field(items(ge = 0, le = 9))] d: Query<Option<Vec<i64>>>) -> Json<Value> {
    Json(json!({"d": d.0.unwrap_or_default()}))
}

fn app() -> App {
    let app = App::new()
        .routes(wafer::routes![
            read_item,
            create_item,
            everything,
            orders,
            strict,
            flags,
            headers,
            colors,
            constrained,
            ordered,
            bounded,
        ])
        .routes(wafer::routes![grid, digits]);
    let app = forms::routes(cookies::routes(app));
    let app = basic::routes(redirects::routes(files::routes(app)));
    unions::routes(types::routes(app))
}

#[test]
fn answers_like_fastapi() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fastapi");
    wafer::testing::fastapi::assert_answers_like_fastapi(app(), folder.as_ref());
}
