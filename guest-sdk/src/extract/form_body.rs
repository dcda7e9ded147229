//! How a form body is read, as Starlette reads it for FastAPI's `Form()`
//! and `UploadFile`: by its content type, urlencoded or multipart, and as
//! no fields at all when the content type is not a form's (so each required
//! field is `missing`).
//!
//! FastAPI takes a field whose value is empty (`note=`, an empty text input)
//! as not sent: its default, or `missing`. Here a field whose last value is
//! empty is left out. That is FastAPI's rule for single values; for a list
//! FastAPI keeps empty values, and so does this unless the list's last one
//! is empty (`tags=a&tags=` is `[]` here, `["a", ""]` in FastAPI). A file
//! part without a file name (no file chosen in the browser) is not sent.

use std::collections::HashMap;

use futures::FutureExt as _;
use http::HeaderMap;
use http::header::CONTENT_TYPE;

use crate::error::HttpError;
use crate::validation::ParamSet;

/// The kinds of form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormKind {
    /// `application/x-www-form-urlencoded`: `a=1&b=x+y`.
    UrlEncoded,
    /// `multipart/form-data`, with its boundary if the header gives one.
    Multipart(Option<String>),
}

impl FormKind {
    /// The kind of form `headers` announce, if any.
    pub(crate) fn of(headers: &HeaderMap) -> Option<FormKind> {
        let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Some(FormKind::UrlEncoded);
        }
        essence
            .eq_ignore_ascii_case("multipart/form-data")
            .then(|| FormKind::Multipart(multer::parse_boundary(content_type).ok()))
    }
}

/// A file sent in a multipart form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilePart {
    pub(crate) filename: String,
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: Vec<u8>,
}

/// What a form body holds: its text fields (under `["body", name]` in
/// errors) and its files, each with its field's name, in the order sent.
#[derive(Debug)]
pub(crate) struct FormData {
    pub(crate) fields: ParamSet,
    pub(crate) files: Vec<(String, FilePart)>,
}

/// Reads the form in `body`; a multipart body that is not one is a 400, as
/// in FastAPI.
pub(crate) fn read(headers: &HeaderMap, body: &[u8]) -> Result<FormData, HttpError> {
    let mut form = FormData {
        fields: ParamSet::new("body"),
        files: Vec::new(),
    };
    let mut texts = Vec::new();
    match FormKind::of(headers) {
        Some(FormKind::UrlEncoded) => {
            // The same decoding as a query string (`+` is a space, `%XX` a
            // byte, invalid UTF-8 replaced).
            texts.extend(
                form_urlencoded::parse(body).map(|(n, v)| (n.into_owned(), v.into_owned())),
            );
        }
        Some(FormKind::Multipart(None)) => {
            return Err(HttpError::bad_request("Missing boundary in multipart."));
        }
        Some(FormKind::Multipart(Some(boundary))) => {
            read_multipart(body, &boundary, &mut texts, &mut form.files)?;
        }
        None => {}
    }
    let mut last_is_blank = HashMap::new();
    for (name, value) in &texts {
        last_is_blank.insert(name.as_str(), value.is_empty());
    }
    for (name, value) in &texts {
        if last_is_blank.get(name.as_str()) == Some(&false) {
            form.fields.push(name.as_str(), value.as_str());
        }
    }
    Ok(form)
}

/// The parts of a multipart body: text fields into `texts`, files (parts
/// with a file name) into `files`. A body that does not start with the
/// boundary, a part with broken headers or without a name is refused (an
/// empty body has no parts); one that ends early keeps the parts that were
/// complete, as python-multipart does.
fn read_multipart(
    body: &[u8],
    boundary: &str,
    texts: &mut Vec<(String, String)>,
    files: &mut Vec<(String, FilePart)>,
) -> Result<(), HttpError> {
    // An empty body is a form without fields, as in FastAPI.
    if body.is_empty() {
        return Ok(());
    }
    if !body.starts_with(format!("--{boundary}").as_bytes()) {
        return Err(invalid());
    }
    let chunk: Result<bytes::Bytes, std::convert::Infallible> =
        Ok(bytes::Bytes::copy_from_slice(body));
    let mut multipart = multer::Multipart::new(futures::stream::iter([chunk]), boundary);
    // The body is in memory, so every future here is ready when first
    // polled (`now_or_never`, not an executor: extractors run inside one).
    loop {
        let field = match multipart.next_field().now_or_never() {
            Some(Ok(Some(field))) => field,
            Some(Err(error)) if !is_cut_short(&error) => return Err(invalid()),
            _ => return Ok(()),
        };
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(HttpError::bad_request(
                "The Content-Disposition header field \"name\" must be provided.",
            ));
        };
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let bytes = match field.bytes().now_or_never() {
            Some(Ok(bytes)) => bytes,
            Some(Err(error)) if !is_cut_short(&error) => return Err(invalid()),
            _ => return Ok(()),
        };
        match filename {
            None => texts.push((name, String::from_utf8_lossy(&bytes).into_owned())),
            Some(filename) if filename.is_empty() => {}
            Some(filename) => files.push((
                name,
                FilePart {
                    filename,
                    content_type,
                    bytes: bytes.to_vec(),
                },
            )),
        }
    }
}

/// FastAPI's answer to a body that is not multipart.
fn invalid() -> HttpError {
    HttpError::bad_request("Invalid multipart data.")
}

/// Whether `error` only says the body ended before its last part did,
/// which python-multipart lets pass (the parts before it count).
fn is_cut_short(error: &multer::Error) -> bool {
    matches!(
        error,
        multer::Error::IncompleteStream
            | multer::Error::IncompleteFieldData { .. }
            | multer::Error::IncompleteHeaders
    )
}

#[cfg(test)]
mod tests;
