//! Values Pydantic reads from text in a format of their own: UUIDs, dates,
//! datetimes and decimals.
//!
//! A type of [`crate::types`] deserializes itself through [`deserialize`]: it
//! asks for a newtype struct named by its [`Format`]'s marker. The validating
//! deserializer knows the marker: it checks the input by the format's rule
//! (Pydantic's lax reading of JSON values and parameter strings, with its
//! error types and wording) and hands the type the value's canonical text,
//! or the format's placeholder when the input was invalid so that validation
//! goes on. Any other deserializer (`serde_json` on the fast path, serde's
//! buffers) hands over the string or number it holds, which the same rule
//! checks; what it refuses sends a body to the validating pass. Either way,
//! the type only ever parses canonical text.

mod dates;
pub(crate) mod decimal;
mod uuid;

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

use super::constraints::Constraints;
use super::error::{ErrorDetail, LocItem};

pub(crate) use self::dates::{DATE, DATETIME};
pub(crate) use self::decimal::DECIMAL;
pub(crate) use self::uuid::UUID;

/// How Pydantic reads one kind of value from text.
pub(crate) struct Format {
    /// The newtype name the type asks for: how the validating deserializer
    /// recognizes it.
    pub(crate) marker: &'static str,
    /// Canonical text of a valid value, given in place of an invalid one.
    pub(crate) placeholder: &'static str,
    /// Pydantic's rule: the canonical text of a valid input, or its error.
    pub(crate) read: fn(Scalar<'_>) -> Result<Cow<'_, str>, Invalid>,
    /// Checks a valid value's canonical text against a field's constraints;
    /// `error` makes an error of the given type at the value.
    pub(crate) constrain: fn(&str, &Constraints, &dyn Fn(&'static str) -> ErrorDetail) -> Checked,
}

/// What [`Format::constrain`] answers.
pub(crate) type Checked = Result<(), ErrorDetail>;

/// The [`Format::constrain`] of a format no constraint applies to (the
/// macros refuse constraints on its types).
pub(crate) fn unconstrained(
    _: &str,
    _: &Constraints,
    _: &dyn Fn(&'static str) -> ErrorDetail,
) -> Checked {
    Ok(())
}

impl fmt::Debug for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Format")
            .field("marker", &self.marker)
            .finish_non_exhaustive()
    }
}

/// The formats the validating deserializer knows.
const FORMATS: &[&Format] = &[&UUID, &DATE, &DATETIME, &DECIMAL];

/// The format whose marker is `name`, if any.
pub(crate) fn by_marker(name: &str) -> Option<&'static Format> {
    FORMATS.iter().copied().find(|format| format.marker == name)
}

/// What a format reads: a JSON value of a body, or a parameter's text.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'a> {
    /// A value in a JSON body.
    Json(&'a Value),
    /// A path, query, header, cookie or form value.
    Text(&'a str),
}

impl<'a> Scalar<'a> {
    /// The text of a string input.
    pub(crate) fn text(self) -> Option<&'a str> {
        match self {
            Scalar::Json(Value::String(text)) => Some(text),
            Scalar::Text(text) => Some(text),
            Scalar::Json(_) => None,
        }
    }
}

/// Why an input is not a value of its format: a Pydantic error type with its
/// message and context.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Invalid {
    kind: &'static str,
    message: Cow<'static, str>,
    ctx: Option<(&'static str, Value)>,
}

impl Invalid {
    /// An error of type `kind` with its whole message.
    pub(crate) fn new(kind: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Invalid {
            kind,
            message: message.into(),
            ctx: None,
        }
    }

    /// The error with one `ctx` entry.
    pub(crate) fn with_ctx(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.ctx = Some((key, value.into()));
        self
    }

    /// The error as a 422 entry at `loc`, for `input`.
    pub(crate) fn detail(self, loc: Vec<LocItem>, input: Value) -> ErrorDetail {
        let detail = ErrorDetail::new(self.kind, loc, input).with_message(self.message);
        match self.ctx {
            Some((key, value)) => detail.with_ctx(key, value),
            None => detail,
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The canonical text of a value of `format`, from any deserializer (see the
/// module documentation).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
    format: &'static Format,
) -> Result<String, D::Error> {
    deserializer.deserialize_newtype_struct(format.marker, TextVisitor(format))
}

/// Reads the text a deserializer holds by the format's rule.
struct TextVisitor(&'static Format);

impl<'de> Visitor<'de> for TextVisitor {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "a string in the format {}", self.0.marker)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<String, D::Error> {
        // Any: a format may read numbers (a decimal, a timestamp).
        inner.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
        (self.0.read)(Scalar::Text(text))
            .map(Cow::into_owned)
            .map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<String, E> {
        self.visit_json(Value::from(number))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<String, E> {
        self.visit_json(Value::from(number))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<String, E> {
        self.visit_json(Value::from(number))
    }
}

impl TextVisitor {
    /// A JSON value other than a string, read as the validating pass reads it.
    fn visit_json<E: de::Error>(self, value: Value) -> Result<String, E> {
        (self.0.read)(Scalar::Json(&value))
            .map(Cow::into_owned)
            .map_err(E::custom)
    }
}
