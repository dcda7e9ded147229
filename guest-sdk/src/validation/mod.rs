//! Validation with Pydantic's semantics and FastAPI's error format.
//!
//! Extractors hand what a request carries (a JSON body, path, query and header
//! strings) to a validating serde deserializer, which converts and checks values
//! the way Pydantic v2 does in lax mode and collects every error with its
//! location. The result is either the typed value or [`ValidationErrors`], which
//! answers 422 with FastAPI's body.

#![allow(
    clippy::result_large_err,
    reason = "validation errors are the slow path; boxing them would only add noise"
)]

pub(crate) mod applies;
mod checked;
mod coerce;
mod constrained;
mod constraints;
mod de;
pub(crate) mod enum_names;
mod error;
pub(crate) mod format;
mod json_syntax;
mod placeholder;
mod python;
pub(crate) mod union;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

pub use applies::{Digits, HasLength, List, Number, Text};
pub use constrained::{constrained, validated};
pub use constraints::{Constraints, Limit};
pub use error::{ErrorDetail, LocItem, ValidationErrors};

pub(crate) use de::{Entry, Input};

/// The serde container name `#[wafer::literal]` gives an enum: its values
/// are refused with Pydantic's `literal_error` (the macro writes the same
/// text).
pub(crate) const LITERAL: &str = "$wafer::literal";

/// Why a request body could not be turned into the declared type.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Validation failed (including malformed JSON): 422.
    Invalid(ValidationErrors),
    /// The body is not UTF-8, so not JSON at all: FastAPI answers 400.
    NotUtf8,
}

/// Deserializes `T` from a request body as FastAPI reads a JSON body parameter,
/// checking `constraints` (see [`Constraints`]) on the whole body.
///
/// An empty body is `missing`. `is_json` says whether the content type announces
/// JSON; other bodies are validated as a string, which no model accepts.
pub(crate) fn from_body<T>(
    body: &[u8],
    is_json: bool,
    constraints: Option<&'static Constraints>,
) -> Result<T, BodyError>
where
    T: for<'de> Deserialize<'de>,
{
    let validate = |input: Input<'_>| {
        de::from_input(input, vec![LocItem::from("body")], constraints).map_err(BodyError::Invalid)
    };
    if body.is_empty() {
        return validate(Input::Missing);
    }
    if !is_json {
        let text = Value::String(String::from_utf8_lossy(body).into_owned());
        return validate(Input::Json(&text));
    }
    // Fast path: a valid body of the exact types needs only serde_json, with
    // the constraints of the body and of model fields checked as it reads
    // (see `constrained`). Anything else goes to the validating pass, and so
    // does a body that is a list: serde reads a struct from a list too, and
    // Pydantic does not.
    let list = body.trim_ascii_start().starts_with(b"[");
    if !list && let Some(Ok(value)) = checked::fast_path(|| read_checked::<T>(body, constraints)) {
        return Ok(value);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => validate(Input::Json(&value)),
        Err(error) => match std::str::from_utf8(body) {
            Ok(text) => Err(BodyError::Invalid(
                json_syntax::json_invalid(text, &error).into(),
            )),
            Err(_) => Err(BodyError::NotUtf8),
        },
    }
}

/// `T` from JSON `body` by `serde_json` alone, its values checked against
/// `constraints`: an error if either refuses it.
fn read_checked<T>(body: &[u8], constraints: Option<&'static Constraints>) -> serde_json::Result<T>
where
    T: for<'de> Deserialize<'de>,
{
    let Some(constraints) = constraints else {
        return serde_json::from_slice(body);
    };
    let mut json = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(checked::Checked::new(&mut json, constraints))?;
    json.end()?;
    Ok(value)
}

/// Deserializes `T` from named string parameters (path, query or headers).
///
/// A struct takes its fields from the parameters; any other type takes the
/// parameter called `name`, and must satisfy `constraints`.
pub(crate) fn from_params<'a, T>(
    params: &'a ParamSet,
    name: Option<&'a str>,
    constraints: Option<&'static Constraints>,
) -> Result<T, ValidationErrors>
where
    T: Deserialize<'a>,
{
    de::from_input(
        Input::Params(params, name),
        vec![LocItem::from(params.source)],
        constraints,
    )
}

/// Passes a value through a model: serialized to JSON, then validated as the
/// model (FastAPI's `response_model`).
pub(crate) fn through_model<M, T>(value: &T) -> Result<M, String>
where
    M: for<'de> Deserialize<'de>,
    T: serde::Serialize,
{
    let json = serde_json::to_value(value).map_err(|error| error.to_string())?;
    de::from_input(Input::Json(&json), vec![LocItem::from("response")], None)
        .map_err(|errors| errors.to_string())
}

/// Named string parameters from one part of a request, in the order received.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParamSet {
    /// The first `loc` entry of errors: `path`, `query` or `header`.
    source: &'static str,
    entries: Vec<(String, Vec<String>)>,
    /// Where each name is in `entries`, so that adding is not quadratic in
    /// the number of names (a form body can hold a hundred thousand).
    index: HashMap<String, usize>,
    /// Header semantics: names are case-insensitive and a field `x_token` reads
    /// the header `x-token`, as FastAPI converts underscores.
    headers: bool,
}

impl ParamSet {
    /// Parameters whose names are matched exactly.
    pub(crate) fn new(source: &'static str) -> Self {
        ParamSet {
            source,
            entries: Vec::new(),
            index: HashMap::new(),
            headers: false,
        }
    }

    /// Headers: case-insensitive names, `_` in field names read as `-`.
    pub(crate) fn headers() -> Self {
        ParamSet {
            source: "header",
            entries: Vec::new(),
            index: HashMap::new(),
            headers: true,
        }
    }

    /// Adds a value; repeated names keep all their values.
    pub(crate) fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        if let Some((_, values)) = self
            .index
            .get(&name)
            .and_then(|&at| self.entries.get_mut(at))
        {
            values.push(value);
            return;
        }
        self.index.insert(name.clone(), self.entries.len());
        self.entries.push((name, vec![value]));
    }

    /// The parameter names, in the order received.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(name, _)| name.as_str())
    }

    /// How many distinct names there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The name a field or argument is reported under.
    pub(crate) fn display_name(&self, name: &str) -> String {
        if self.headers {
            name.replace('_', "-")
        } else {
            name.to_owned()
        }
    }

    /// All values of the parameter a field or argument called `name` reads.
    pub(crate) fn get(&self, name: &str) -> Option<&[String]> {
        let found = if self.headers {
            let wanted = self.display_name(name);
            self.entries
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&wanted))
        } else {
            self.index.get(name).and_then(|&at| self.entries.get(at))
        };
        found.map(|(_, values)| values.as_slice())
    }

    /// The entries a struct with `fields` reads (present fields only), or all
    /// entries for a map.
    fn entries_for(&self, fields: Option<&'static [&'static str]>) -> Vec<Entry<'_>> {
        match fields {
            Some(fields) => fields
                .iter()
                .enumerate()
                .filter_map(|(position, field)| {
                    self.get(field).map(|values| Entry {
                        key: Cow::Borrowed(*field),
                        loc_key: self.display_name(field),
                        position,
                        input: Input::Texts(values),
                    })
                })
                .collect(),
            None => self
                .entries
                .iter()
                .enumerate()
                .map(|(position, (name, values))| Entry {
                    key: Cow::Borrowed(name.as_str()),
                    loc_key: name.clone(),
                    position,
                    input: Input::Texts(values),
                })
                .collect(),
        }
    }

    /// The parameters as a JSON object, for error inputs.
    pub(crate) fn to_value(&self) -> Value {
        self.entries
            .iter()
            .map(|(name, values)| {
                let value = match values.as_slice() {
                    [one] => Value::String(one.clone()),
                    many => many.iter().cloned().map(Value::String).collect(),
                };
                (name.clone(), value)
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}
