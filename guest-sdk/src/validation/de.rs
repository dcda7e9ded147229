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

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde_json::Value;

use super::ParamSet;
use super::coerce;
use super::error::{ErrorDetail, LocItem, ValidationErrors};
use super::placeholder::Placeholder;

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

/// Deserializes `T` from `input`, reporting errors under `root` (for example
/// `["body"]` or `["query"]`).
pub(crate) fn from_input<'a, T: Deserialize<'a>>(
    input: Input<'a>,
    root: Vec<LocItem>,
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
        self.recorded.borrow_mut().push((order.to_vec(), detail));
    }

    fn find(&self, loc: &[LocItem]) -> Option<&Override> {
        self.overrides.iter().find(|o| o.loc == loc)
    }
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
    /// Add this missing field to its object, with a placeholder value.
    AddMissing,
    /// Leave this key out of its object (`extra_forbidden`).
    SkipKey,
}

/// The error type of the validating deserializer. Only errors that end a pass
/// travel as `DeError`; ordinary validation errors are recorded in the session.
#[derive(Debug)]
pub(crate) struct DeError(Box<Located>);

/// A pass-ending error and where it happened.
#[derive(Debug)]
struct Located {
    kind: DeErrorKind,
    loc: Option<Vec<LocItem>>,
    order: Vec<usize>,
    input: Value,
}

#[derive(Debug)]
enum DeErrorKind {
    MissingField(&'static str),
    UnknownField(String),
    Custom(String),
}

impl DeError {
    fn new(kind: DeErrorKind) -> Self {
        DeError(Box::new(Located {
            kind,
            loc: None,
            order: Vec::new(),
            input: Value::Null,
        }))
    }

    /// Gives the error the location of the innermost deserializer it passes
    /// through; later calls keep the first location.
    fn locate(mut self, loc: &[LocItem], order: &[usize], input: impl FnOnce() -> Value) -> Self {
        if self.0.loc.is_none() {
            self.0.loc = Some(loc.to_vec());
            self.0.order = order.to_vec();
            self.0.input = input();
        }
        self
    }

    /// Like [`DeError::locate`], for the errors a struct visitor raises: a
    /// missing field is located at the field, ordered by declaration.
    fn locate_in_struct(
        self,
        loc: &[LocItem],
        order: &[usize],
        fields: &[&str],
        input: impl FnOnce() -> Value,
    ) -> Self {
        match self.0.kind {
            DeErrorKind::MissingField(field) if self.0.loc.is_none() => {
                let mut error = self;
                let mut field_loc = loc.to_vec();
                field_loc.push(LocItem::Key(Cow::Borrowed(field)));
                let mut field_order = order.to_vec();
                field_order.push(
                    fields
                        .iter()
                        .position(|f| *f == field)
                        .unwrap_or(usize::MAX),
                );
                error.0.loc = Some(field_loc);
                error.0.order = field_order;
                error.0.input = input();
                error
            }
            _ => self.locate(loc, order, input),
        }
    }

    fn into_override(self, root: &[LocItem]) -> Option<Override> {
        let Located {
            kind,
            loc,
            order,
            input,
        } = *self.0;
        let loc = loc.unwrap_or_else(|| root.to_vec());
        let (action, detail) = match kind {
            DeErrorKind::MissingField(_) => (
                Action::AddMissing,
                ErrorDetail::new("missing", loc.clone(), input),
            ),
            DeErrorKind::UnknownField(_) => (
                Action::SkipKey,
                ErrorDetail::new("extra_forbidden", loc.clone(), input),
            ),
            DeErrorKind::Custom(message) => (
                Action::Replace,
                ErrorDetail::new("value_error", loc.clone(), input)
                    .with_message(format!("Value error, {message}"))
                    .with_ctx("error", message),
            ),
        };
        Some(Override {
            loc,
            order,
            action,
            detail,
        })
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            DeErrorKind::MissingField(field) => write!(f, "missing field `{field}`"),
            DeErrorKind::UnknownField(field) => write!(f, "unknown field `{field}`"),
            DeErrorKind::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(DeErrorKind::Custom(msg.to_string()))
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new(DeErrorKind::MissingField(field))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        DeError::new(DeErrorKind::UnknownField(field.to_owned()))
    }
}

/// The validating deserializer for one value.
struct De<'a, 's> {
    input: Input<'a>,
    loc: Vec<LocItem>,
    /// Sort key: the position of each step among its siblings.
    order: Vec<usize>,
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
            session: self.session,
        }
    }

    /// For a named parameter, the deserializer of that parameter alone.
    fn resolve(self) -> Self {
        match self.input {
            Input::Params(params, Some(name)) => {
                let input = params.get(name).map_or(Input::Missing, Input::Texts);
                let key = LocItem::Key(Cow::Owned(params.display_name(name)));
                self.child(input, key, 0)
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
        match self.input {
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

    fn record(&self, kind: &'static str) {
        self.record_detail(ErrorDetail::new(kind, self.loc.clone(), self.input_value()));
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

    fn int<V: Visitor<'a>>(
        self,
        min: i128,
        max: i128,
        visit: impl FnOnce(V, i128) -> Result<V::Value, DeError>,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visit(visitor, 0).map_err(|e| this.stamp(e));
        }
        let parsed = match this.scalar() {
            Scalar::Json(value) => coerce::int_from_json(value),
            Scalar::Text(text) => coerce::int_from_str(text),
            Scalar::Missing => Err(coerce::IntError::Type),
        };
        let value = match parsed {
            Ok(value) if value < min => {
                this.record_detail(
                    ErrorDetail::new("greater_than_equal", this.loc.clone(), this.input_value())
                        .with_message(format!("Input should be greater than or equal to {min}"))
                        .with_ctx("ge", json_int(min)),
                );
                0
            }
            Ok(value) if value > max => {
                this.record_detail(
                    ErrorDetail::new("less_than_equal", this.loc.clone(), this.input_value())
                        .with_message(format!("Input should be less than or equal to {max}"))
                        .with_ctx("le", json_int(max)),
                );
                0
            }
            Ok(value) => value,
            Err(error) => {
                this.record(error.kind());
                0
            }
        };
        visit(visitor, value).map_err(|e| this.stamp(e))
    }

    fn float<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_f64(0.0).map_err(|e| this.stamp(e));
        }
        let parsed = match this.scalar() {
            Scalar::Json(value) => coerce::float_from_json(value),
            Scalar::Text(text) => coerce::float_from_str(text),
            Scalar::Missing => Err(coerce::FloatError::Type),
        };
        let value = parsed.unwrap_or_else(|error| {
            this.record(error.kind());
            0.0
        });
        visitor.visit_f64(value).map_err(|e| this.stamp(e))
    }

    fn string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_str("").map_err(|e| this.stamp(e));
        }
        let result = match this.text() {
            Some(text) => visitor.visit_borrowed_str(text),
            None => {
                this.record("string_type");
                visitor.visit_str("")
            }
        };
        result.map_err(|e| this.stamp(e))
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
        for missing in self.session.overrides.iter().filter(|o| {
            o.action == Action::AddMissing
                && o.loc.len() == self.loc.len() + 1
                && o.loc.starts_with(&self.loc)
        }) {
            if let Some(LocItem::Key(key)) = missing.loc.last() {
                entries.push(Entry {
                    key: key.clone(),
                    loc_key: key.to_string(),
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

fn json_int(value: i128) -> Value {
    i64::try_from(value)
        .map(Value::from)
        .or_else(|_| u64::try_from(value).map(Value::from))
        .unwrap_or(Value::Null)
}

/// Pydantic's wording for a choice between literal values.
fn expected_choices(variants: &[&str]) -> String {
    let quoted: Vec<String> = variants.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

macro_rules! int_methods {
    ($($method:ident: $ty:ty => $visit:ident,)*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
            // Lossless: every value passed the range check of `$ty` first.
            self.int(<$ty>::MIN as i128, <$ty>::MAX as i128, |v: V, n| v.$visit(n as $ty), visitor)
        }
    )*};
}

impl<'a> Deserializer<'a> for De<'a, '_> {
    type Error = DeError;

    int_methods! {
        deserialize_i8: i8 => visit_i8,
        deserialize_i16: i16 => visit_i16,
        deserialize_i32: i32 => visit_i32,
        deserialize_i64: i64 => visit_i64,
        deserialize_u8: u8 => visit_u8,
        deserialize_u16: u16 => visit_u16,
        deserialize_u32: u32 => visit_u32,
        deserialize_u64: u64 => visit_u64,
    }

    fn deserialize_i128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.int(i128::MIN, i128::MAX, |v: V, n| v.visit_i128(n), visitor)
    }

    fn deserialize_u128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Values above i128::MAX are rare enough in requests to be reported as
        // out of range.
        self.int(
            0,
            i128::MAX,
            |v: V, n| v.visit_u128(n.unsigned_abs()),
            visitor,
        )
    }

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_unit().map_err(|e| this.stamp(e));
        }
        let result = match this.input {
            Input::Json(Value::Null) => visitor.visit_unit(),
            Input::Json(Value::Bool(flag)) => visitor.visit_bool(*flag),
            Input::Json(Value::Number(number)) => {
                if let Some(n) = number.as_u64() {
                    visitor.visit_u64(n)
                } else if let Some(n) = number.as_i64() {
                    visitor.visit_i64(n)
                } else {
                    visitor.visit_f64(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Input::Json(Value::String(text)) => visitor.visit_borrowed_str(text),
            Input::Text(text) => visitor.visit_borrowed_str(text),
            Input::Json(Value::Array(_)) => return this.deserialize_seq(visitor),
            Input::Texts([one]) => visitor.visit_borrowed_str(one),
            Input::Texts(_) => return this.deserialize_seq(visitor),
            Input::Json(Value::Object(_)) | Input::Params(..) => {
                return this.deserialize_map(visitor);
            }
            Input::Missing => visitor.visit_unit(),
        };
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_bool(false).map_err(|e| this.stamp(e));
        }
        let parsed = match this.scalar() {
            Scalar::Json(value) => coerce::bool_from_json(value),
            Scalar::Text(text) => coerce::bool_from_str(text),
            Scalar::Missing => Err(coerce::BoolError::Type),
        };
        let value = parsed.unwrap_or_else(|error| {
            this.record(error.kind());
            false
        });
        visitor.visit_bool(value).map_err(|e| this.stamp(e))
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.float(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.float(visitor)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_char('\0').map_err(|e| this.stamp(e));
        }
        let mut chars = this.text().map(str::chars);
        let result = match chars.as_mut().map(|c| (c.next(), c.next())) {
            Some((Some(c), None)) => visitor.visit_char(c),
            Some(_) => {
                this.record_detail(
                    ErrorDetail::new("string_type", this.loc.clone(), this.input_value())
                        .with_message("Input should be a single character"),
                );
                visitor.visit_char('\0')
            }
            None => {
                this.record("string_type");
                visitor.visit_char('\0')
            }
        };
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.string(visitor)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return visitor.visit_bytes(&[]).map_err(|e| this.stamp(e));
        }
        let result = match this.text() {
            Some(text) => visitor.visit_borrowed_bytes(text.as_bytes()),
            None => {
                this.record_detail(
                    ErrorDetail::new("bytes_type", this.loc.clone(), this.input_value())
                        .with_message("Input should be a valid bytes"),
                );
                visitor.visit_bytes(&[])
            }
        };
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if let Some(replaced) = this.replaced() {
            this.apply(replaced);
            return visitor.visit_none().map_err(|e| this.stamp(e));
        }
        let result = match this.input {
            Input::Missing | Input::Json(Value::Null) => visitor.visit_none(),
            _ => {
                let loc = this.loc.clone();
                let order = this.order.clone();
                let input = this.input_value();
                return visitor
                    .visit_some(this)
                    .map_err(|e| e.locate(&loc, &order, || input));
            }
        };
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if !this.missing_or_replaced() && !matches!(this.input, Input::Json(Value::Null)) {
            this.record_detail(
                ErrorDetail::new("none_required", this.loc.clone(), this.input_value())
                    .with_message("Input should be None"),
            );
        }
        visitor.visit_unit().map_err(|e| this.stamp(e))
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let loc = self.loc.clone();
        let order = self.order.clone();
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.locate(&loc, &order, || Value::Null))
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_seq(visitor)
                .map_err(|e| this.stamp(e));
        }
        let items: Vec<Input<'a>> = match this.input {
            Input::Json(Value::Array(items)) => items.iter().map(Input::Json).collect(),
            Input::Texts(texts) => texts.iter().map(|t| Input::Text(t)).collect(),
            Input::Text(text) => vec![Input::Text(text)],
            _ => {
                this.record("list_type");
                return Placeholder
                    .deserialize_seq(visitor)
                    .map_err(|e| this.stamp(e));
            }
        };
        let result = visitor.visit_seq(SeqItems {
            parent: &this,
            items: items.into_iter().enumerate(),
        });
        result.map_err(|e| this.stamp(e))
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self;
        // A tuple of path parameters, by position: `Path<(u32, String)>`.
        if let Input::Params(params, _) = this.input {
            let entries = params.entries_for(None);
            let items: Vec<(Input<'a>, String)> =
                entries.into_iter().map(|e| (e.input, e.loc_key)).collect();
            return visitor
                .visit_seq(NamedItems {
                    parent: &this,
                    items: items.into_iter().enumerate(),
                })
                .map_err(|e| this.stamp(e));
        }
        let this = this.resolve();
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_tuple(len, visitor)
                .map_err(|e| this.stamp(e));
        }
        match this.input {
            Input::Json(Value::Array(_)) | Input::Texts(_) => this.deserialize_seq(visitor),
            _ => {
                this.record("tuple_type");
                Placeholder
                    .deserialize_tuple(len, visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        // A struct or map reads the whole parameter set, whatever the argument's name.
        let this = match self.input {
            Input::Params(..) => self,
            _ => self.resolve(),
        };
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_map(visitor)
                .map_err(|e| this.stamp(e));
        }
        match this.entries(None) {
            Some(entries) => this
                .visit_entries(entries, visitor)
                .map_err(|e| this.stamp(e)),
            None => {
                this.record("dict_type");
                Placeholder
                    .deserialize_map(visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // A struct or map reads the whole parameter set, whatever the argument's name.
        let this = match self.input {
            Input::Params(..) => self,
            _ => self.resolve(),
        };
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_struct(name, fields, visitor)
                .map_err(|e| this.stamp(e));
        }
        match this.entries(Some(fields)) {
            Some(entries) => {
                let input = || match this.input {
                    Input::Json(value) => value.clone(),
                    _ => Value::Null,
                };
                this.visit_entries(entries, visitor)
                    .map_err(|e| e.locate_in_struct(&this.loc, &this.order, fields, input))
            }
            None => {
                this.record("model_attributes_type");
                Placeholder
                    .deserialize_struct(name, fields, visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let this = self.resolve();
        if this.missing_or_replaced() {
            return Placeholder
                .deserialize_enum(name, variants, visitor)
                .map_err(|e| this.stamp(e));
        }
        let (variant, content) = match this.input {
            Input::Json(Value::Object(object)) if object.len() == 1 => {
                object.iter().next().map(|(k, v)| (k.as_str(), v)).unzip()
            }
            _ => (this.text(), None),
        };
        match variant {
            Some(variant) if variants.contains(&variant) => {
                let content = content
                    .map(|value| this.child(Input::Json(value), variant.to_owned().into(), 0));
                visitor
                    .visit_enum(EnumInput { variant, content })
                    .map_err(|e| this.stamp(e))
            }
            _ => {
                let expected = expected_choices(variants);
                this.record_detail(
                    ErrorDetail::new("enum", this.loc.clone(), this.input_value())
                        .with_message(format!("Input should be {expected}"))
                        .with_ctx("expected", expected),
                );
                Placeholder
                    .deserialize_enum(name, variants, visitor)
                    .map_err(|e| this.stamp(e))
            }
        }
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// One key and value of an object-like input.
pub(crate) struct Entry<'a> {
    /// The key serde sees (a struct's field name).
    pub(crate) key: Cow<'a, str>,
    /// The key in error locations (for headers, the header name).
    pub(crate) loc_key: String,
    /// Sort position: the field's declaration index, or after all fields.
    pub(crate) position: usize,
    pub(crate) input: Input<'a>,
}

struct EntryAccess<'a, 'p, 's> {
    parent: &'p De<'a, 's>,
    entries: std::vec::IntoIter<Entry<'a>>,
    pending: Option<De<'a, 's>>,
}

impl<'a> de::MapAccess<'a> for EntryAccess<'a, '_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for entry in self.entries.by_ref() {
            let value = self
                .parent
                .child(entry.input, entry.loc_key.into(), entry.position);
            if let Some(skip) = self.parent.session.find(&value.loc)
                && skip.action == Action::SkipKey
            {
                value.apply(skip);
                continue;
            }
            // Keys get the same lax conversions as values (`HashMap<u32, _>`).
            let key = match entry.key {
                Cow::Borrowed(key) => {
                    seed.deserialize(value.child(Input::Text(key), "[key]".into(), 0))
                }
                Cow::Owned(key) => seed.deserialize(key.into_deserializer()),
            };
            let key = key.map_err(|e: DeError| value.locate_key_error(e))?;
            self.pending = Some(value);
            return Ok(Some(key));
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value),
            None => Err(de::Error::custom(
                "a map value was asked for before its key",
            )),
        }
    }
}

struct SeqItems<'a, 'p, 's> {
    parent: &'p De<'a, 's>,
    items: std::iter::Enumerate<std::vec::IntoIter<Input<'a>>>,
}

impl<'a> de::SeqAccess<'a> for SeqItems<'a, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((index, input)) => seed
                .deserialize(self.parent.child(input, LocItem::Index(index), index))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// Positional items that are located by name (path parameters as a tuple).
struct NamedItems<'a, 'p, 's> {
    parent: &'p De<'a, 's>,
    items: std::iter::Enumerate<std::vec::IntoIter<(Input<'a>, String)>>,
}

impl<'a> de::SeqAccess<'a> for NamedItems<'a, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((index, (input, name))) => seed
                .deserialize(
                    self.parent
                        .child(input, LocItem::Key(Cow::Owned(name)), index),
                )
                .map(Some),
            None => Ok(None),
        }
    }
}

/// A valid enum variant, with its content for data-carrying variants.
struct EnumInput<'a, 's> {
    variant: &'a str,
    content: Option<De<'a, 's>>,
}

impl<'a, 's> de::EnumAccess<'a> for EnumInput<'a, 's> {
    type Error = DeError;
    type Variant = VariantInput<'a, 's>;

    fn variant_seed<V: DeserializeSeed<'a>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantInput<'a, 's>), DeError> {
        let variant = seed.deserialize(self.variant.into_deserializer())?;
        Ok((
            variant,
            VariantInput {
                content: self.content,
            },
        ))
    }
}

struct VariantInput<'a, 's> {
    content: Option<De<'a, 's>>,
}

impl<'a> de::VariantAccess<'a> for VariantInput<'a, '_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, DeError> {
        match self.content {
            Some(content) => seed.deserialize(content),
            None => seed.deserialize(Placeholder),
        }
    }

    fn tuple_variant<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value, DeError> {
        match self.content {
            Some(content) => content.deserialize_tuple(len, visitor),
            None => Placeholder.deserialize_tuple(len, visitor),
        }
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.content {
            Some(content) => content.deserialize_struct("", fields, visitor),
            None => Placeholder.deserialize_struct("", fields, visitor),
        }
    }
}
