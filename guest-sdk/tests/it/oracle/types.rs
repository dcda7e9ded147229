//! The routes of `oracle_app.py` for Pydantic's everyday types.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::types::Uuid;
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

/// `app` with the routes of the types.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![uuid_path, uuid_body])
}
