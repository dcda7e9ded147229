//! A serde `Deserializer` that validates like Pydantic.
//!
//! Handler authors keep writing `#[derive(Deserialize)]`; this deserializer gives
//! those types Pydantic's behaviour:
//!
//! - lax conversions (`"5"` is a valid integer, `true` a valid number, `"yes"` a
//!   valid boolean), see [`coerce`](super::coerce);
//! - every error collected, not only the first: an invalid value is recorded with
//!   its location and replaced by a [`Placeholder`], and deserialization goes on;
//! - errors that serde's derived code raises itself (a missing field, an unknown
//!   field under `deny_unknown_fields`, a custom type's own error) end a pass.
//!   The pass is then repeated with that location answered directly (the error
//!   recorded, a placeholder given), until a pass completes. Only requests with
//!   such errors pay for more than one pass;
//! - errors ordered as Pydantic orders them: by field declaration order, not by
//!   the order of keys in the input.

mod access;
mod deserializer;
mod error;
mod union;

use std::borrow::Cow;
use std::cell::RefCell;

use serde::Deserialize;
use serde::de::Visitor;
use serde::de::value::CowStrDeserializer;
use serde_json::Value;

use self::access::EntryAccess;
use self::error::DeErrorKind;
use super::ParamSet;
use super::constraints::Constraints;
use super::error::{ErrorDetail, LocItem, ValidationErrors};
use super::format::{self, Format};

pub(crate) use self::access::Entry;
pub(crate) use self::error::DeError;

/// Most passes one value gets; each pass resolves at least one error that serde
/// raises itself, so this bounds the number of such errors reported.
const MAX_PASSES: usize = 64;

/// What there is to validate.
#[derive(Clone, Copy)]
pub(crate) enum Input<'a> {
    /// Nothing was sent: required values report `missing`, `Option`s are `None`.
    Missing,
    /// A JSON value (request bodies).
    Json(&'a Value),
    /// One string (a path parameter, one query or header value).
    Text(&'a str),
    /// All values of a repeated parameter, at least one: a list takes them all, a
    /// single value takes the last, as FastAPI does.
    Texts(&'a [String]),
    /// A set of named parameters. A struct reads its fields from it; any other
    /// type reads the parameter of the given name.
    Params(&'a ParamSet, Option<&'a str>),
}

impl Input<'_> {
    /// The input as it appears in an error's `input`.
    fn to_value(self) -> Value {
        match self {
            Input::Missing => Value::Null,
            Input::Json(value) => value.clone(),
            Input::Text(text) => Value::String(text.to_owned()),
            Input::Texts(texts) => match texts {
                [one] => Value::String(one.clone()),
                many => many.iter().cloned().map(Value::String).collect(),
            },
            Input::Params(params, _) => params.to_value(),
        }
    }
}

/// Deserializes `T` from `input`, reporting errors under `root` (for example
/// `["body"]` or `["query"]`) and checking `constraints` on the value itself.
pub(crate) fn from_input<'a, T: Deserialize<'a>>(
    input: Input<'a>,
    root: Vec<LocItem>,
    constraints: Option<&'static Constraints>,
) -> Result<T, ValidationErrors> {
    let mut overrides: Vec<Override> = Vec::new();
    let mut recorded = Vec::new();
    for _ in 0..MAX_PASSES {
        let session = Session {
            recorded: RefCell::new(Vec::new()),
            overrides: &overrides,
        };
        let result = T::deserialize(De {
            input,
            loc: root.clone(),
            order: Vec::new(),
            constraints,
            session: &session,
        });
        recorded = session.recorded.into_inner();
        let error = match result {
            Ok(value) if recorded.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(error) => error,
        };
        match error.into_override(&root) {
            Some(next) if !overrides.iter().any(|o| o.loc == next.loc) => overrides.push(next),
            // The error happened where a placeholder was already given, or has no
            // location: report it as it is, with what was collected so far.
            Some(last) => {
                recorded.push((last.order, last.detail));
                break;
            }
            None => break,
        }
    }
    Err(sorted(recorded))
}

fn sorted(mut recorded: Vec<(Vec<usize>, ErrorDetail)>) -> ValidationErrors {
    recorded.sort_by(|a, b| a.0.cmp(&b.0));
    let mut errors = ValidationErrors::new();
    for (_, detail) in recorded {
        if !errors.errors().contains(&detail) {
            errors.push(detail);
        }
    }
    errors
}

/// State shared by all deserializers of one pass.
struct Session<'o> {
    /// Errors so far, each with its sort key.
    recorded: RefCell<Vec<(Vec<usize>, ErrorDetail)>>,
    /// What earlier passes learned.
    overrides: &'o [Override],
}

impl Session<'_> {
    fn record(&self, order: &[usize], detail: ErrorDetail) {
        RECORDED.set(RECORDED.get().wrapping_add(1));
        self.recorded.borrow_mut().push((order.to_vec(), detail));
    }

    fn find(&self, loc: &[LocItem]) -> Option<&Override> {
        self.overrides.iter().find(|o| o.loc == loc)
    }
}

thread_local! {
    /// How many errors validating passes on this thread have recorded.
    static RECORDED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A mark to compare with later: whether validation recorded an error in
/// between (a value read in between is then a placeholder, or holds one).
pub(crate) fn recorded_mark() -> u64 {
    RECORDED.get()
}

/// A location that an earlier pass could not get past, and what to do there.
struct Override {
    loc: Vec<LocItem>,
    order: Vec<usize>,
    action: Action,
    detail: ErrorDetail,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Record the error and give a placeholder instead of the value.
    Replace,
    /// Add this missing field (serde's name for it) to its object, with a
    /// placeholder value.
    AddMissing(&'static str),
    /// Leave this key out of its object (`extra_forbidden`).
    SkipKey,
}

/// The validating deserializer for one value.
struct De<'a, 's> {
    input: Input<'a>,
    loc: Vec<LocItem>,
    /// Sort key: the position of each step among its siblings.
    order: Vec<usize>,
    /// What the value must satisfy besides its type.
    constraints: Option<&'static Constraints>,
    session: &'s Session<'s>,
}

/// What a scalar request reads.
enum Scalar<'a> {
    Missing,
    Json(&'a Value),
    Text(&'a str),
}

impl<'a, 's> De<'a, 's> {
    fn child(&self, input: Input<'a>, key: LocItem, position: usize) -> De<'a, 's> {
        let mut loc = self.loc.clone();
        loc.push(key);
        let mut order = self.order.clone();
        order.push(position);
        De {
            input,
            loc,
            order,
            constraints: None,
            session: self.session,
        }
    }

    /// For a named parameter, the deserializer of that parameter alone.
    fn resolve(self) -> Self {
        match self.input {
            Input::Params(params, Some(name)) => {
                let input = params.get(name).map_or(Input::Missing, Input::Texts);
                let key = LocItem::Key(Cow::Owned(params.display_name(name)));
                let mut parameter = self.child(input, key, 0);
                parameter.constraints = self.constraints;
                parameter
            }
            _ => self,
        }
    }

    /// The override an earlier pass left at this location, if it applies here.
    fn replaced(&self) -> Option<&'s Override> {
        if self.session.overrides.is_empty() {
            return None;
        }
        self.session
            .find(&self.loc)
            .filter(|o| o.action != Action::SkipKey)
    }

    /// The string content of a string input.
    fn text(&self) -> Option<&'a str> {
        match self.scalar() {
            Scalar::Json(Value::String(text)) => Some(text),
            Scalar::Text(text) => Some(text),
            _ => None,
        }
    }

    fn scalar(&self) -> Scalar<'a> {
        match self.input {
            Input::Missing | Input::Params(..) => Scalar::Missing,
            Input::Json(value) => Scalar::Json(value),
            Input::Text(text) => Scalar::Text(text),
            Input::Texts(texts) => texts.last().map_or(Scalar::Missing, |t| Scalar::Text(t)),
        }
    }

    /// The input as it will appear in an error's `input`.
    fn input_value(&self) -> Value {
        self.input.to_value()
    }

    fn record(&self, kind: &'static str) {
        self.record_detail(self.error(kind));
    }

    fn record_detail(&self, detail: ErrorDetail) {
        self.session.record(&self.order, detail);
    }

    /// An error raised while reading an object key belongs to the entry: an
    /// unknown field is reported at the entry, with its value as input.
    fn locate_key_error(&self, mut error: DeError) -> DeError {
        if let DeErrorKind::UnknownField(_) = error.0.kind {
            error.0.loc = Some(self.loc.clone());
            error.0.order = self.order.clone();
            error.0.input = self.input_value();
            return error;
        }
        self.stamp(error)
    }

    fn stamp(&self, error: DeError) -> DeError {
        error.locate(&self.loc, &self.order, || self.input_value())
    }

    /// Records the error an earlier pass found here; the caller then answers with
    /// a placeholder.
    fn apply(&self, replaced: &Override) {
        self.session
            .record(&replaced.order, replaced.detail.clone());
    }

    /// Records `missing` (when nothing was sent) and reports whether a
    /// placeholder must be given.
    fn missing_or_replaced(&self) -> bool {
        if let Some(replaced) = self.replaced() {
            self.apply(replaced);
            return true;
        }
        if matches!(self.input, Input::Missing) {
            self.record("missing");
            return true;
        }
        false
    }

    /// Runs a check of this value's constraints, if it has any.
    fn check(
        &self,
        check: impl FnOnce(
            &Constraints,
            &dyn Fn(&'static str) -> ErrorDetail,
        ) -> Result<(), ErrorDetail>,
    ) -> Result<(), ErrorDetail> {
        match self.constraints {
            Some(constraints) => check(constraints, &|kind| self.error(kind)),
            None => Ok(()),
        }
    }

    /// How many errors this pass has recorded so far.
    fn error_count(&self) -> usize {
        self.session.recorded.borrow().len()
    }

    fn error(&self, kind: &'static str) -> ErrorDetail {
        ErrorDetail::new(kind, self.loc.clone(), self.input_value())
    }

    /// The steps every scalar shares: read the named parameter, answer a
    /// missing (or earlier failed) value with `fallback`, convert, and on
    /// failure record the error and go on with `fallback`.
    fn convert<T, V: Visitor<'a>>(
        self,
        fallback: T,
        convert: impl FnOnce(&Self) -> Result<T, ErrorDetail>,
        visit: impl FnOnce(V, T) -> Result<V::Value, DeError>,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self.resolve();
        let value = if this.missing_or_replaced() {
            fallback
        } else {
            convert(&this).unwrap_or_else(|detail| {
                this.record_detail(detail);
                fallback
            })
        };
        visit(visitor, value).map_err(|e| this.stamp(e))
    }

    /// A value of `format`, checked against its constraints: its canonical
    /// text handed to the visitor, or the format's placeholder once the error
    /// is recorded.
    fn read_format<V: Visitor<'a>>(
        self,
        format: &'static Format,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.convert(
            Cow::Borrowed(format.placeholder),
            |this| {
                let scalar = match this.scalar() {
                    Scalar::Missing => return Ok(Cow::Borrowed(format.placeholder)),
                    Scalar::Json(value) => format::Scalar::Json(value),
                    Scalar::Text(text) => format::Scalar::Text(text),
                };
                let text = (format.read)(scalar)
                    .map_err(|invalid| invalid.detail(this.loc.clone(), this.input_value()))?;
                this.check(|c, error| (format.constrain)(&text, c, error))?;
                Ok(text)
            },
            |visitor, text| visitor.visit_newtype_struct(CowStrDeserializer::<DeError>::new(text)),
            visitor,
        )
    }

    /// Entries of an object-like input, for a struct (`fields` given) or a map.
    fn entries(&self, fields: Option<&'static [&'static str]>) -> Option<Vec<Entry<'a>>> {
        let known = |key: &str, index: usize| match fields {
            Some(fields) => fields
                .iter()
                .position(|f| *f == key)
                .unwrap_or(fields.len() + index),
            None => index,
        };
        let mut entries: Vec<Entry<'a>> = match self.input {
            Input::Json(Value::Object(object)) => object
                .iter()
                .enumerate()
                .map(|(index, (key, value))| Entry {
                    key: Cow::Borrowed(key.as_str()),
                    loc_key: key.clone(),
                    position: known(key, index),
                    input: Input::Json(value),
                })
                .collect(),
            Input::Params(params, _) => params.entries_for(fields),
            _ => return None,
        };
        // Fields that an earlier pass found missing come last; sorting puts their
        // errors in declaration order.
        for missing in self
            .session
            .overrides
            .iter()
            .filter(|o| o.loc.len() == self.loc.len() + 1 && o.loc.starts_with(&self.loc))
        {
            if let (Action::AddMissing(field), Some(loc_key)) = (missing.action, missing.loc.last())
            {
                entries.push(Entry {
                    key: Cow::Borrowed(field),
                    loc_key: loc_key.to_string(),
                    position: missing.order.last().copied().unwrap_or(usize::MAX),
                    input: Input::Missing,
                });
            }
        }
        Some(entries)
    }

    fn visit_entries<V: Visitor<'a>>(
        &self,
        entries: Vec<Entry<'a>>,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_map(EntryAccess {
            parent: self,
            entries: entries.into_iter(),
            pending: None,
        })
    }
}
