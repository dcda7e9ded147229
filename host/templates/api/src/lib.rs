//! An HTTP API: typed routes, validated as FastAPI validates, documented by
//! the OpenAPI document the same declarations make.
//!
//! ```text
//! $ curl localhost:8080/hello/ann
//! {"message":"hello, ann"}
//! $ curl -X POST localhost:8080/items -H 'content-type: application/json' -d '{"name": "hammer", "price": 9.5}'
//! {"name":"hammer","price":9.5,"tags":[]}
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::{App, Json, Path, Query, get, post};

/// An item for sale.
#[wafer::model]
#[derive(Deserialize, Serialize)]
pub struct Item {
    /// What it is called.
    #[field(min_length = 1, max_length = 50)]
    pub name: String,
    /// What it costs.
    #[field(gt = 0)]
    pub price: f64,
    /// Words to find it by.
    #[serde(default)]
    #[field(max_length = 10)]
    pub tags: Vec<String>,
}

/// Say hello.
#[get("/hello/{name}", tags = ["hello"])]
fn hello(#[field(max_length = 50)] name: Path<String>) -> Json<Value> {
    Json(json!({"message": format!("hello, {}", *name)}))
}

/// Read one item.
#[get("/items/{item_id}", tags = ["items"])]
fn read_item(
    #[field(ge = 1)] item_id: Path<i64>,
    #[field(max_length = 20)] q: Query<Option<String>>,
) -> Json<Value> {
    Json(json!({"id": *item_id, "q": *q}))
}

/// Create an item.
#[post("/items", status = 201, tags = ["items"])]
fn create_item(Json(item): Json<Item>) -> Json<Item> {
    Json(item)
}

/// The app this component serves.
pub fn app() -> App {
    App::new()
        .title("{{title}}")
        .version("0.1.0")
        .routes(wafer::routes![hello, read_item, create_item])
}

wafer::export!(app());
