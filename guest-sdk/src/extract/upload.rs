//! [`UploadFile`]: files sent in a multipart form.

use serde_json::{Value, json};

use http::StatusCode;

use super::form_body::{FilePart, FormData};
use super::{Argument, FromRequest, Rejection};
use crate::error::HttpError;
use crate::extract::context::RequestContext;
use crate::validation::{ErrorDetail, LocItem, ValidationErrors};

/// A file sent in a `multipart/form-data` body, read the way FastAPI's
/// `UploadFile` is: from the form field named like the argument, with the
/// file name and content type the client gave.
///
/// Take `UploadFile` for one required file, `Option<UploadFile>` for an
/// optional one and `Vec<UploadFile>` for any number (at least one) under
/// one name. A missing file is `missing` at `["body", name]`; a text field
/// of that name is FastAPI's `value_error`; a part without a file name (no
/// file chosen) is no file. The whole body is in memory, within the app's
/// body limit (`App::max_body_size`).
///
/// ```
/// use wafer::testing::{Part, TestClient};
/// use wafer::{post, App, Form, UploadFile};
///
/// #[post("/upload")]
/// fn upload(file: UploadFile, note: Form<Option<String>>) -> String {
///     format!("{} {} {:?} {:?}", file.filename(), file.bytes().len(), file.content_type(), note.0)
/// }
///
/// let client = TestClient::new(App::new().routes(wafer::routes![upload]));
/// let answer = client
///     .post("/upload")
///     .multipart(&[Part::text("note", "hi"), Part::file("file", "a.txt", "text/plain", b"hello")])
///     .send();
/// assert_eq!(answer.text(), r#"a.txt 5 Some("text/plain") Some("hi")"#);
/// assert_eq!(client.post("/upload").send().status(), 422);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile {
    part: FilePart,
}

impl UploadFile {
    /// The file's name, as the client gave it (never empty).
    pub fn filename(&self) -> &str {
        &self.part.filename
    }

    /// The file's content type, as the client gave it, if it did.
    pub fn content_type(&self) -> Option<&str> {
        self.part.content_type.as_deref()
    }

    /// The file's content.
    pub fn bytes(&self) -> &[u8] {
        &self.part.bytes
    }

    /// The file's content, taken.
    pub fn into_bytes(self) -> Vec<u8> {
        self.part.bytes
    }
}

/// How many files an argument takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// `UploadFile`.
    One,
    /// `Option<UploadFile>`.
    Optional,
    /// `Vec<UploadFile>`: at least one.
    Many,
}

/// The files sent under `name`, or the error FastAPI answers: `missing`, or
/// `value_error` for a text field of that name (for a list, at each of its
/// values).
fn files<'f>(
    form: &'f FormData,
    name: &str,
    wanted: Wanted,
) -> Result<Vec<&'f FilePart>, ValidationErrors> {
    let found: Vec<&FilePart> = form
        .files
        .iter()
        .filter(|(field, _)| field == name)
        .map(|(_, part)| part)
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    let loc = vec![LocItem::from("body"), LocItem::from(name.to_owned())];
    let not_a_file = |loc: Vec<LocItem>, text: &str| {
        ErrorDetail::new("value_error", loc, Value::String(text.to_owned()))
            .with_message("Value error, Expected UploadFile, received: <class 'str'>")
            .with_ctx("error", json!({}))
    };
    let mut errors = ValidationErrors::new();
    match form.fields.get(name) {
        Some(texts) if wanted == Wanted::Many => {
            for (index, text) in texts.iter().enumerate() {
                let mut loc = loc.clone();
                loc.push(LocItem::Index(index));
                errors.push(not_a_file(loc, text));
            }
        }
        Some([.., text]) => errors.push(not_a_file(loc, text)),
        _ if wanted == Wanted::Optional => return Ok(found),
        _ => errors.push(ErrorDetail::new("missing", loc, Value::Null)),
    }
    Err(errors)
}

/// The argument's name: a file is read by name only, so an argument
/// without one (`_: UploadFile`) is the app's mistake, a 500.
fn name(argument: &Argument) -> Result<&str, Rejection> {
    argument.name().ok_or_else(|| {
        crate::log::error(format_args!(
            "an UploadFile argument needs a name, not a pattern"
        ));
        HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into()
    })
}

impl FromRequest for UploadFile {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        let found = files(cx.form()?, name(argument)?, Wanted::One)?;
        // `files` answers `missing` rather than no file.
        let part = found
            .last()
            .map(|part| (*part).clone())
            .unwrap_or_else(|| FilePart {
                filename: String::new(),
                content_type: None,
                bytes: Vec::new(),
            });
        Ok(UploadFile { part })
    }
}

impl FromRequest for Option<UploadFile> {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        let found = files(cx.form()?, name(argument)?, Wanted::Optional)?;
        Ok(found.last().map(|part| UploadFile {
            part: (*part).clone(),
        }))
    }
}

impl FromRequest for Vec<UploadFile> {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        let found = files(cx.form()?, name(argument)?, Wanted::Many)?;
        Ok(found
            .into_iter()
            .map(|part| UploadFile { part: part.clone() })
            .collect())
    }
}
