//! The file routes of `oracle_app.py`: one file, an optional one, many,
//! among form fields.

use serde_json::{Value, json};
use wafer::{App, Form, Json, UploadFile, post};

#[post("/files/many")]
fn file_many(files: Vec<UploadFile>, label: Form<Option<String>>) -> Json<Value> {
    let names: Vec<&str> = files.iter().map(UploadFile::filename).collect();
    let sizes: Vec<usize> = files.iter().map(|file| file.bytes().len()).collect();
    Json(json!({"names": names, "sizes": sizes, "label": label.0}))
}

#[post("/files/optional")]
fn file_optional(file: Option<UploadFile>) -> Json<Value> {
    Json(json!({ "file": file.as_ref().map(UploadFile::filename) }))
}

/// `app` with the file routes.
pub(super) fn routes(app: App) -> App {
    app.routes(wafer::routes![file_many, file_optional])
}
