//! The cookie routes of `oracle_app.py`: cookies read as parameters (one,
//! typed and constrained, a struct of them) and set on the response.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::Duration;
use wafer::{App, Cookie, Header, Json, Path, Query, SameSite, SetCookie, get};

#[get("/cookies/typed")]
fn cookie_typed(
    n: Cookie<i64>,
    flag: Cookie<Option<bool>>,
    #[field(min_length = 2, max_length = 4)] code: Cookie<Option<String>>,
) -> Json<Value> {
    let flag = flag.0.unwrap_or(false);
    let code = code.0.unwrap_or_else(|| "ab".to_owned());
    Json(json!({"n": *n, "flag": flag, "code": code}))
}

#[get("/cookies/mixed/{p}")]
fn cookie_mixed(p: Path<i64>, q: Query<i64>, x_h: Header<i64>, c: Cookie<i64>) -> Json<Value> {
    Json(json!({"p": *p, "q": *q, "x_h": *x_h, "c": *c}))
}

fn light() -> String {
    "light".to_owned()
}

fn ten() -> i64 {
    10
}

#[wafer::model]
#[derive(Deserialize, Serialize)]
struct Prefs {
    #[serde(default = "light")]
    theme: String,
    #[serde(default = "ten")]
    #[field(ge = 1)]
    size: i64,
}

#[get("/cookies/prefs")]
fn cookie_prefs(prefs: Cookie<Prefs>) -> Json<Prefs> {
    Json(prefs.0)
}

#[get("/cookies/login/{user}")]
fn cookie_login(user: Path<String>, remember: Query<Option<bool>>) -> (SetCookie, Json<Value>) {
    let mut session = SetCookie::new("session", format!("s-{}", *user)).http_only(true);
    if remember.0 == Some(true) {
        session = session.max_age(Duration::from_secs(3600));
    }
    (session, Json(json!({ "user": *user })))
}

#[get("/cookies/theme")]
fn cookie_theme() -> wafer::Response {
    let theme = SetCookie::new("theme", "dark blue;x")
        .secure(true)
        .same_site(Some(SameSite::Strict))
        .path(Some("/cookies"));
    let seen = SetCookie::new("seen", "1")
        .same_site(None)
        .domain("example.com");
    wafer::Response::json(&json!({}))
        .with_cookie(&theme)
        .with_cookie(&seen)
}

/// `app` with the cookie routes.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![
        cookie_typed,
        cookie_mixed,
        cookie_prefs,
        cookie_login,
        cookie_theme,
    ])
}
