//! The routes of `oracle_app.py` for Pydantic's everyday types.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::types::{Date, DateTime, Decimal, Uuid};
use wafer::{App, Header, Json, Path, Query, get, post};

#[derive(Deserialize, Serialize)]
struct Tagged {
    id: Uuid,
    parent: Option<Uuid>,
    #[serde(default)]
    ids: Vec<Uuid>,
}

#[get("/types/uuid/{item_id}")]
fn uuid_path(
    item_id: Path<Uuid>,
    other: Query<Option<Uuid>>,
    x_ref: Header<Option<Uuid>>,
) -> Json<Value> {
    Json(json!({"item_id": *item_id, "other": *other, "x_ref": *x_ref}))
}

#[post("/types/uuid")]
fn uuid_body(body: Json<Tagged>) -> Json<Tagged> {
    body
}

#[derive(Deserialize, Serialize)]
struct Scheduled {
    at: DateTime,
    on: Option<Date>,
}

#[get("/types/dates/{day}")]
fn dates_path(day: Path<Date>, at: Query<Option<DateTime>>) -> Json<Scheduled> {
    let midnight = || "2000-01-01T00:00:00".parse().expect("a datetime");
    Json(Scheduled {
        at: at.0.unwrap_or_else(midnight),
        on: Some(day.0),
    })
}

#[post("/types/dates")]
fn dates_body(body: Json<Scheduled>) -> Json<Scheduled> {
    body
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Priced {
    #[field(ge = 0, max_digits = 10, decimal_places = 2)]
    total: Decimal,
    rate: Option<Decimal>,
    #[field(multiple_of = 0.25, lt = 1e3)]
    #[serde(default = "half")]
    step: Decimal,
}

fn half() -> Decimal {
    "0.5".parse().expect("a decimal")
}

#[derive(Serialize)]
struct Amounts {
    amount: Decimal,
    cap: Option<Decimal>,
}

#[get("/types/decimal/{amount}")]
fn decimal_path(
    amount: Path<Decimal>,
    #[field(max_digits = 4, decimal_places = 1)] cap: Query<Option<Decimal>>,
) -> Json<Amounts> {
    Json(Amounts {
        amount: amount.0,
        cap: cap.0,
    })
}

#[post("/types/decimal")]
fn decimal_body(body: Json<Priced>) -> Json<Priced> {
    body
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
#[serde(rename_all = "lowercase")]
enum Channel {
    Email,
}

#[wafer::literal]
#[derive(Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
enum Size {
    S,
    #[default]
    M,
    L,
}

#[derive(Deserialize, Serialize)]
struct Shipping {
    #[serde(default)]
    kind: Kind,
    channel: Option<Channel>,
}

#[derive(Serialize)]
struct Picked {
    kind: Kind,
    size: Size,
}

#[get("/types/literal/{kind}")]
fn literal_path(kind: Path<Kind>, size: Query<Option<Size>>) -> Json<Picked> {
    Json(Picked {
        kind: kind.0,
        size: size.0.unwrap_or_default(),
    })
}

#[post("/types/literal")]
fn literal_body(body: Json<Shipping>) -> Json<Shipping> {
    body
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Coupon {
    #[field(validate = upper)]
    coupon: Option<String>,
    #[field(ge = 0, validate = even)]
    #[serde(default)]
    count: i64,
    #[field(validate = strip)]
    #[serde(default)]
    name: String,
}

fn upper(coupon: Option<String>) -> Result<Option<String>, &'static str> {
    match coupon {
        Some(text) if text != text.to_uppercase() => Err("coupon must be upper case"),
        coupon => Ok(coupon),
    }
}

fn even(count: i64) -> Result<i64, String> {
    if count % 2 == 0 {
        Ok(count)
    } else {
        Err("count must be even".to_owned())
    }
}

fn strip(name: String) -> Result<String, std::convert::Infallible> {
    Ok(name.trim().to_owned())
}

#[post("/types/validated")]
fn validated(body: Json<Coupon>) -> Json<Coupon> {
    body
}

/// `app` with the routes of the types.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![
        uuid_path,
        uuid_body,
        dates_path,
        dates_body,
        decimal_path,
        decimal_body,
        literal_path,
        literal_body,
        validated
    ])
}
