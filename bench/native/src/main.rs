//! The benchmark's native baseline: the routes of the `hello` and `items`
//! examples, with the same checks and FastAPI-shaped answers, as a plain axum
//! server. What Wafer costs is measured against this.
//!
//! ```text
//! native-items 127.0.0.1:18090
//! ```

use axum::Router;
use axum::extract::{Path, Query, rejection::JsonRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

mod serve;

fn main() {
    serve::serve("native", "127.0.0.1:18090", app());
}

fn app() -> Router {
    Router::new()
        .route(
            "/hello",
            get(|| async { axum::Json(json!({"message": "hello"})) }),
        )
        .route(
            "/hello/{name}",
            get(|Path(name): Path<String>| async move {
                axum::Json(json!({"message": format!("hello, {name}")}))
            }),
        )
        .route("/items/{item_id}", get(read_item))
        .route("/items", post(create_item))
}

#[derive(Deserialize)]
struct ItemQuery {
    q: Option<String>,
}

/// `GET /items/{item_id}?q=`: `item_id` an integer ≥ 1, `q` at most 20
/// characters.
async fn read_item(Path(item_id): Path<String>, Query(query): Query<ItemQuery>) -> Response {
    let mut errors = Vec::new();
    match item_id.parse::<i64>() {
        Ok(id) if id >= 1 => {}
        Ok(_) => errors.push(error(
            "greater_than_equal",
            &["path", "item_id"],
            "Input should be greater than or equal to 1",
            json!(item_id),
        )),
        Err(_) => errors.push(error(
            "int_parsing",
            &["path", "item_id"],
            "Input should be a valid integer, unable to parse string as an integer",
            json!(item_id),
        )),
    }
    if let Some(q) = &query.q
        && q.chars().count() > 20
    {
        errors.push(error(
            "string_too_long",
            &["query", "q"],
            "String should have at most 20 characters",
            json!(q),
        ));
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    axum::Json(json!({"id": item_id.parse::<i64>().unwrap_or_default(), "q": query.q}))
        .into_response()
}

/// `POST /items`: a name of 1 to 50 characters, a price above 0, at most 10
/// tags; 201 with the item, or 422 naming every field that is wrong.
async fn create_item(body: Result<axum::Json<Value>, JsonRejection>) -> Response {
    let item = match body {
        Ok(axum::Json(item)) => item,
        Err(rejection) => {
            return unprocessable(vec![error(
                "json_invalid",
                &["body"],
                "JSON decode error",
                json!(rejection.body_text()),
            )]);
        }
    };
    let mut errors = Vec::new();
    match item.get("name") {
        Some(Value::String(name)) if (1..=50).contains(&name.chars().count()) => {}
        Some(Value::String(name)) => errors.push(error(
            if name.is_empty() {
                "string_too_short"
            } else {
                "string_too_long"
            },
            &["body", "name"],
            "String should have between 1 and 50 characters",
            json!(name),
        )),
        Some(other) => errors.push(error(
            "string_type",
            &["body", "name"],
            "Input should be a valid string",
            other.clone(),
        )),
        None => errors.push(error(
            "missing",
            &["body", "name"],
            "Field required",
            item.clone(),
        )),
    }
    match item.get("price") {
        Some(Value::Number(price)) if price.as_f64().is_some_and(|p| p > 0.0) => {}
        Some(Value::Number(price)) => errors.push(error(
            "greater_than",
            &["body", "price"],
            "Input should be greater than 0",
            json!(price),
        )),
        Some(other) => errors.push(error(
            "float_type",
            &["body", "price"],
            "Input should be a valid number",
            other.clone(),
        )),
        None => errors.push(error(
            "missing",
            &["body", "price"],
            "Field required",
            item.clone(),
        )),
    }
    match item.get("tags") {
        None => {}
        Some(Value::Array(tags)) if tags.len() <= 10 && tags.iter().all(Value::is_string) => {}
        Some(other) => errors.push(error(
            "list_type",
            &["body", "tags"],
            "Input should be a list of at most 10 strings",
            other.clone(),
        )),
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let tags = item.get("tags").cloned().unwrap_or_else(|| json!([]));
    let answer = json!({"name": item["name"], "price": item["price"], "tags": tags});
    (StatusCode::CREATED, axum::Json(answer)).into_response()
}

fn error(kind: &str, loc: &[&str], msg: &str, input: Value) -> Value {
    json!({"type": kind, "loc": loc, "msg": msg, "input": input})
}

fn unprocessable(errors: Vec<Value>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({ "detail": errors })),
    )
        .into_response()
}
