//! The redirect routes of `oracle_app.py`: Starlette's `RedirectResponse`,
//! and routes whose paths, with their trailing slash toggled, are redirected.

use serde_json::{Value, json};
use wafer::{App, Json, Path, Query, Redirect, get, post};

#[get("/redirects/to")]
fn redirect_to(url: Query<String>) -> Redirect {
    Redirect::temporary(&url)
}

#[post("/redirects/after-post")]
fn redirect_after_post() -> Redirect {
    Redirect::see_other("/redirects/old?from=post")
}

#[post("/redirects/items")]
fn redirect_items() -> Json<Value> {
    Json(json!({"created": true}))
}

#[get("/redirects/users/{name}/")]
fn redirect_user(name: Path<String>) -> Json<Value> {
    Json(json!({"name": *name}))
}

/// `app` with the redirect routes.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![
        redirect_to,
        redirect_after_post,
        redirect_items,
        redirect_user
    ])
}
