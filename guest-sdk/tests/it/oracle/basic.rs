//! The HTTP Basic route of `oracle_app.py`.

use serde_json::{Value, json};
use wafer::security::HttpBasic;
use wafer::{App, HttpError, Json, get};

#[get("/basic/admin")]
fn basic_admin(credentials: HttpBasic) -> Result<Json<Value>, HttpError> {
    if (credentials.username.as_str(), credentials.password.as_str()) != ("admin", "s3cret") {
        return Err(
            HttpError::unauthorized("Bad credentials").with_header("www-authenticate", "Basic")
        );
    }
    Ok(Json(json!({
        "user": credentials.username,
        "password_length": credentials.password.len(),
    })))
}

/// `app` with the HTTP Basic route.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![basic_admin])
}
