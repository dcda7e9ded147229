//! A shop: FastAPI's forms, file uploads, cookies, redirects, HTTP Basic and
//! Pydantic's everyday types (UUID, datetime, date, Decimal, Literal, a
//! discriminated union, per-item constraints, a field validator, a partial
//! update that answers only what was set). `fastapi_app.py` next to this
//! crate is its FastAPI twin; `src/tests.rs` replays the requests recorded
//! from it (`oracle/`) and compares the answers byte for byte.
//!
//! ```text
//! $ curl -i localhost:8080/shop/login -d username=ann -d password=correct-horse
//! HTTP/1.1 200 OK
//! set-cookie: session=s-ann; HttpOnly; Path=/; SameSite=lax
//! {"username":"ann","remember":false}
//! $ curl localhost:8080/shop/me --cookie session=s-ann
//! {"session":"s-ann"}
//! $ curl -u admin:s3cret localhost:8080/shop/admin
//! {"user":"admin"}
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::security::HttpBasic;
use wafer::types::{Date, DateTime, Decimal, Maybe, Uuid};
use wafer::{
    App, Cookie, Form, Header, HttpError, Json, Path, Query, Redirect, SetCookie, UploadFile, get,
    patch, post,
};

/// How an order is shipped.
#[wafer::literal]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The default.
    #[default]
    Standard,
    /// Faster, for more.
    Express,
}

/// The tag of an [`EmailContact`].
#[wafer::literal]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTag {
    /// `"email"`.
    Email,
}

/// The tag of a [`PhoneContact`].
#[wafer::literal]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneTag {
    /// `"phone"`.
    Phone,
}

/// Reach the customer by e-mail.
#[wafer::model]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct EmailContact {
    /// `"email"`.
    pub r#type: EmailTag,
    /// The address.
    #[field(pattern = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
    pub email: String,
}

/// Reach the customer by phone.
#[wafer::model]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PhoneContact {
    /// `"phone"`.
    pub r#type: PhoneTag,
    /// The number.
    #[field(min_length = 7, max_length = 15)]
    pub phone: String,
}

/// How to reach the customer, told apart by `type`.
#[wafer::union(discriminator = "type")]
#[derive(Debug, Clone, PartialEq)]
pub enum Contact {
    /// By e-mail.
    Email(EmailContact),
    /// By phone.
    Phone(PhoneContact),
}

/// An order, as placed.
#[wafer::model]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Order {
    /// The client's id for it.
    pub id: Uuid,
    /// When it was placed.
    pub placed_at: DateTime,
    /// When it must be shipped, if it must.
    pub ship_by: Option<Date>,
    /// What it costs, to the cent.
    #[field(ge = 0, max_digits = 10, decimal_places = 2)]
    pub total: Decimal,
    /// How it is shipped.
    #[serde(default)]
    pub kind: Kind,
    /// Whom to tell.
    pub contact: Contact,
    /// A coupon code, in upper case.
    #[field(validate = upper_case)]
    pub coupon: Option<String>,
    /// How many of each line's item.
    #[serde(default)]
    #[field(max_length = 20, items(ge = 1, le = 99))]
    pub lines: Vec<i64>,
}

/// Pydantic's `@field_validator("coupon")` of the twin.
fn upper_case(coupon: Option<String>) -> Result<Option<String>, &'static str> {
    match coupon {
        Some(code) if code != code.to_uppercase() => Err("coupon must be upper case"),
        coupon => Ok(coupon),
    }
}

/// A change to an order: only the fields given are changed, and only they
/// are answered (FastAPI's `response_model_exclude_unset=True`).
#[wafer::model]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderPatch {
    /// A new ship-by date, or null for none.
    pub ship_by: Maybe<Option<Date>>,
    /// A new way to ship, or null.
    pub kind: Maybe<Option<Kind>>,
}

/// Logs in with a web form and sets the session cookie.
#[post("/shop/login")]
fn login(
    #[field(min_length = 3)] username: Form<String>,
    #[field(min_length = 8)] password: Form<String>,
    remember: Form<Option<bool>>,
) -> (SetCookie, Json<Value>) {
    let _ = password;
    let remember = remember.0.unwrap_or(false);
    let mut session = SetCookie::new("session", format!("s-{}", *username)).http_only(true);
    if remember {
        session = session.max_age(Duration::from_secs(3600));
    }
    (
        session,
        Json(json!({"username": *username, "remember": remember})),
    )
}

/// Who is logged in, by the session cookie.
#[get("/shop/me", responses = [401])]
fn me(session: Cookie<Option<String>>) -> Result<Json<Value>, HttpError> {
    let session = session
        .0
        .ok_or_else(|| HttpError::unauthorized("Not logged in"))?;
    Ok(Json(json!({ "session": session })))
}

/// Takes a file, with a note.
#[post("/shop/upload")]
fn upload(file: UploadFile, #[field(max_length = 100)] note: Form<Option<String>>) -> Json<Value> {
    Json(json!({
        "filename": file.filename(),
        "content_type": file.content_type(),
        "size": file.bytes().len(),
        "note": note.0.unwrap_or_default(),
    }))
}

/// Places an order, answered as read.
#[post("/shop/orders", status = 201)]
fn create(order: Json<Order>) -> Json<Order> {
    order
}

/// An order's id, with what to include and the trace headers sent.
#[get("/shop/orders/{order_id}")]
fn read(
    order_id: Path<Uuid>,
    include: Query<Option<Vec<String>>>,
    x_trace: Header<Option<Vec<String>>>,
) -> Json<Value> {
    Json(json!({
        "id": *order_id,
        "include": include.0.unwrap_or_default(),
        "x_trace": x_trace.0.unwrap_or_default(),
    }))
}

/// Changes an order; answers the fields given.
#[patch("/shop/orders/{order_id}")]
fn change(order_id: Path<Uuid>, change: Json<OrderPatch>) -> Json<OrderPatch> {
    let _ = order_id;
    change
}

/// The catalog, at its path with a trailing slash (`/shop/catalog` is
/// redirected here).
#[get("/shop/catalog/")]
fn catalog() -> Json<Value> {
    Json(json!({"items": []}))
}

/// Where the catalog used to be.
#[get("/shop/old")]
fn old() -> Redirect {
    Redirect::permanent("/shop/catalog/")
}

/// For the administrator only, by HTTP Basic.
#[get("/shop/admin")]
fn admin(credentials: HttpBasic) -> Result<Json<Value>, HttpError> {
    if (credentials.username.as_str(), credentials.password.as_str()) != ("admin", "s3cret") {
        return Err(
            HttpError::unauthorized("Bad credentials").with_header("www-authenticate", "Basic")
        );
    }
    Ok(Json(json!({ "user": credentials.username })))
}

/// The shop's routes.
pub fn app() -> App {
    App::new().routes(wafer::routes![
        login, me, upload, create, read, change, catalog, old, admin
    ])
}

wafer::export!(app());

#[cfg(test)]
mod tests;
