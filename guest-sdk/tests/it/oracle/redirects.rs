//! The redirect routes of `oracle_app.py`: Starlette's `RedirectResponse`.

use wafer::{App, Query, Redirect, get, post};

#[get("/redirects/old")]
fn redirect_old() -> Redirect {
    Redirect::permanent("/shop/catalog/")
}

#[get("/redirects/to")]
fn redirect_to(url: Query<String>) -> Redirect {
    Redirect::temporary(&url)
}

#[post("/redirects/after-post")]
fn redirect_after_post() -> Redirect {
    Redirect::see_other("/redirects/old?from=post")
}

/// `app` with the redirect routes.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![
        redirect_old,
        redirect_to,
        redirect_after_post
    ])
}
