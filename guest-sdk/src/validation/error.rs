//! The validation error body, field for field as FastAPI and Pydantic v2 write it.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::response::{IntoResponse, Response};

/// One step of an error's location: an object key or a list index.
///
/// Serialized as a JSON string or number, as in FastAPI's `loc` arrays.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum LocItem {
    /// A field, parameter or map key.
    Key(Cow<'static, str>),
    /// A position in a list.
    Index(usize),
}

impl From<&'static str> for LocItem {
    fn from(key: &'static str) -> Self {
        LocItem::Key(Cow::Borrowed(key))
    }
}

impl From<String> for LocItem {
    fn from(key: String) -> Self {
        LocItem::Key(Cow::Owned(key))
    }
}

impl From<usize> for LocItem {
    fn from(index: usize) -> Self {
        LocItem::Index(index)
    }
}

impl fmt::Display for LocItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocItem::Key(key) => f.write_str(key),
            LocItem::Index(index) => write!(f, "{index}"),
        }
    }
}

/// One entry of a 422 response's `detail` list.
///
/// The fields and their order are Pydantic v2's: `type`, `loc`, `msg`, `input`,
/// and `ctx` when the error type has context.
///
/// ```
/// use wafer::validation::ErrorDetail;
/// use serde_json::json;
///
/// let error = ErrorDetail::new("int_parsing", ["path", "item_id"], json!("abc"));
/// assert_eq!(
///     serde_json::to_value(&error).unwrap(),
///     json!({
///         "type": "int_parsing",
///         "loc": ["path", "item_id"],
///         "msg": "Input should be a valid integer, unable to parse string as an integer",
///         "input": "abc",
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorDetail {
    /// Pydantic's machine-readable error type, such as `missing` or `int_parsing`.
    #[serde(rename = "type")]
    pub kind: Cow<'static, str>,
    /// Where the error is: the source (`path`, `query`, `header`, `body`) and then
    /// keys and indexes down to the offending value.
    pub loc: Vec<LocItem>,
    /// The human-readable message.
    pub msg: String,
    /// The value that failed, as received.
    pub input: Value,
    /// Values the message refers to, such as a limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Map<String, Value>>,
}

impl ErrorDetail {
    /// An error of a known Pydantic type, with its standard message.
    ///
    /// For types whose message needs context (limits, expected values) use
    /// [`ErrorDetail::with_message`] and [`ErrorDetail::with_ctx`].
    pub fn new<L>(kind: &'static str, loc: L, input: Value) -> Self
    where
        L: IntoIterator,
        L::Item: Into<LocItem>,
    {
        ErrorDetail {
            kind: Cow::Borrowed(kind),
            loc: loc.into_iter().map(Into::into).collect(),
            msg: standard_message(kind).to_owned(),
            input,
            ctx: None,
        }
    }

    /// Replaces the message.
    pub fn with_message(mut self, msg: impl Into<String>) -> Self {
        self.msg = msg.into();
        self
    }

    /// Adds one `ctx` entry.
    pub fn with_ctx(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.ctx
            .get_or_insert_with(Map::new)
            .insert(key.to_owned(), value.into());
        self
    }

    /// The error's source, the first `loc` entry: `path`, `query`, `header`,
    /// `cookie` or `body`.
    pub fn source(&self) -> Option<&str> {
        match self.loc.first() {
            Some(LocItem::Key(key)) => Some(key),
            _ => None,
        }
    }
}

/// Pydantic v2's message for the error types whose message is fixed.
fn standard_message(kind: &str) -> &'static str {
    match kind {
        "missing" => "Field required",
        "int_parsing" => "Input should be a valid integer, unable to parse string as an integer",
        "int_type" => "Input should be a valid integer",
        "int_from_float" => "Input should be a valid integer, got a number with a fractional part",
        "float_parsing" => "Input should be a valid number, unable to parse string as a number",
        "float_type" => "Input should be a valid number",
        "finite_number" => "Input should be a finite number",
        "bool_parsing" => "Input should be a valid boolean, unable to interpret input",
        "bool_type" => "Input should be a valid boolean",
        "string_type" => "Input should be a valid string",
        "string_unicode" => {
            "Input should be a valid string, unable to parse raw data as a unicode string"
        }
        "list_type" => "Input should be a valid list",
        "tuple_type" => "Input should be a valid tuple",
        "dict_type" => "Input should be a valid dictionary",
        "model_attributes_type" => {
            "Input should be a valid dictionary or object to extract fields from"
        }
        "extra_forbidden" => "Extra inputs are not permitted",
        "json_invalid" => "JSON decode error",
        _ => "Invalid input",
    }
}

/// Every validation error of one request; answered as 422 with FastAPI's body
/// `{"detail": [...]}`.
///
/// Extractors return it; the handler macro merges the errors of all arguments
/// into one, in FastAPI's order (path, query, header, cookie, body).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationErrors {
    errors: Vec<ErrorDetail>,
}

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one error.
    pub fn push(&mut self, error: ErrorDetail) {
        self.errors.push(error);
    }

    /// Adds all errors of `other`, after the ones already here.
    pub fn extend(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors, in the order they will be reported.
    pub fn errors(&self) -> &[ErrorDetail] {
        &self.errors
    }

    /// Orders the errors as FastAPI does: by source (path, query, header, cookie,
    /// body), keeping the order within a source.
    pub(crate) fn sort_by_source(&mut self) {
        self.errors.sort_by_key(|error| match error.source() {
            Some("path") => 0,
            Some("query") => 1,
            Some("header") => 2,
            Some("cookie") => 3,
            Some("body") => 4,
            _ => 5,
        });
    }
}

impl From<ErrorDetail> for ValidationErrors {
    fn from(error: ErrorDetail) -> Self {
        ValidationErrors {
            errors: vec![error],
        }
    }
}

impl From<Vec<ErrorDetail>> for ValidationErrors {
    fn from(errors: Vec<ErrorDetail>) -> Self {
        ValidationErrors { errors }
    }
}

impl IntoIterator for ValidationErrors {
    type Item = ErrorDetail;
    type IntoIter = std::vec::IntoIter<ErrorDetail>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} validation error(s)", self.errors.len())?;
        for error in &self.errors {
            let loc: Vec<String> = error.loc.iter().map(ToString::to_string).collect();
            write!(f, "; {}: {}", loc.join("."), error.msg)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoResponse for ValidationErrors {
    fn into_response(mut self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            detail: &'a [ErrorDetail],
        }
        self.sort_by_source();
        Response::json_with_status(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            &Body {
                detail: &self.errors,
            },
        )
    }
}
