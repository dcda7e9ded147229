//! An items API: the FastAPI tutorial's app, with the same answers for valid and
//! invalid input. `fastapi_app.py` next to this crate is its FastAPI twin, the
//! oracle for its behaviour.
//!
//! ```text
//! $ curl -X POST localhost:8080/items -H 'content-type: application/json' \
//!        -d '{"name": "hammer", "price": 9.5}'
//! {"name":"hammer","price":9.5,"tags":[]}                      (201)
//! $ curl localhost:8080/items/abc
//! {"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}
//! ```

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::extract::{Argument, FromRequest, Rejection};
use wafer::openapi::{DescribeArgument, OperationSpec};
use wafer::{App, Json, Path, Query, RequestContext, State, get, post};

/// An item for sale.
#[wafer::model]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Item {
    /// What it is called.
    #[field(min_length = 1, max_length = 50)]
    pub name: String,
    /// What it costs.
    #[field(gt = 0)]
    pub price: f64,
    /// Labels for search.
    #[serde(default)]
    #[field(max_length = 10)]
    pub tags: Vec<String>,
}

/// The items on display, built once per instance and shared by all requests it
/// serves.
#[derive(Debug, Clone)]
pub struct Catalog(Rc<Vec<Item>>);

impl Catalog {
    fn sample() -> Self {
        let item = |name: &str, price: f64| Item {
            name: name.to_owned(),
            price,
            tags: Vec::new(),
        };
        Catalog(Rc::new(vec![
            item("hammer", 9.5),
            item("saw", 14.0),
            item("drill", 89.9),
        ]))
    }
}

/// Which slice of a list to return: a dependency built from the query
/// parameters `skip` and `limit`, like FastAPI's `CommonQueryParams`.
#[wafer::model]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Pagination {
    /// How many items to pass over.
    #[serde(default)]
    pub skip: usize,
    /// How many items to return at most.
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    10
}

impl FromRequest for Pagination {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        let Query(pagination) = cx.extract::<Query<Pagination>>()?;
        Ok(pagination)
    }
}

/// Documents the query parameters the dependency reads.
impl DescribeArgument for Pagination {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        Query::<Pagination>::describe(operation, argument);
    }
}

/// List items, a page at a time.
#[get("/items", tags = ["items"])]
fn list_items(State(catalog): State<Catalog>, page: Pagination) -> Json<Vec<Item>> {
    Json(
        catalog
            .0
            .iter()
            .skip(page.skip)
            .take(page.limit)
            .cloned()
            .collect(),
    )
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
        .title("Items")
        .version("0.1.0")
        .state(Catalog::sample())
        .routes(wafer::routes![list_items, read_item, create_item])
}

wafer::export!(app());

#[cfg(test)]
mod tests;
