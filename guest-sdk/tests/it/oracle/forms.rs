//! The form routes of `oracle_app.py`: fields read one by one, a form
//! model, and form fields among the other sources.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wafer::{App, Form, Json, Path, Query, post};

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Signup {
    #[field(min_length = 1, max_length = 10)]
    name: String,
    #[field(ge = 18)]
    age: i64,
    #[serde(default)]
    tags: Vec<String>,
    newsletter: Option<bool>,
}

#[post("/forms/signup")]
fn form_signup(signup: Form<Signup>) -> Json<Signup> {
    Json(signup.0)
}

#[post("/forms/mixed/{p}")]
fn form_mixed(
    p: Path<i64>,
    q: Query<i64>,
    n: Form<i64>,
    note: Form<Option<String>>,
) -> Json<Value> {
    let note = note.0.unwrap_or_default();
    Json(json!({"p": *p, "q": *q, "n": *n, "note": note}))
}

/// `app` with the form routes.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![form_signup, form_mixed])
}
