//! Constrained model fields: how `#[wafer::model]` hands a field's
//! constraints to validation through serde.
//!
//! For a field with `#[field(...)]`, the model macro adds
//! `#[serde(deserialize_with = ...)]` with a function that calls
//! [`constrained`] with the field's [`Constraints`], a `static` the macro
//! checked at compile time. They reach the validating deserializer by a
//! hand-over on the thread: [`constrained`] leaves them there and asks the
//! deserializer for a newtype struct of a marker name; the validating
//! deserializer takes them when it is asked for that newtype, and checks the
//! value inside where it converts it, so that their errors take their place
//! among the others.
//!
//! Any other deserializer (`serde_json`, or serde's own buffers for
//! `flatten` and untagged enums) leaves them where they are, and the field's
//! visitor takes them back. On the fast path for bodies it checks the value
//! as serde reads it (see [`checked`](super::checked)): a failed check ends
//! the fast path, and the validating pass reports the error. Elsewhere (a
//! user's own `serde_json::from_str`, a buffer inside the validating pass)
//! the value is read as JSON and validated on its own. So a constrained field
//! is validated whoever deserializes it, and a valid body of a constrained
//! model needs only the fast path.

use std::cell::Cell;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize as _;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;

use super::checked;
use super::constraints::Constraints;
use super::de::{self as validating, Input};

/// The name of the newtype a constrained field asks for.
pub(crate) const CONSTRAINED: &str = "$wafer::constrained";

thread_local! {
    /// The constraints of the field being deserialized, until a validating
    /// deserializer or the field's visitor takes them.
    static HANDED_OVER: Cell<Option<&'static Constraints>> = const { Cell::new(None) };
}

/// Deserializes a field that must satisfy `constraints`.
pub fn constrained<'de, T, D>(
    deserializer: D,
    constraints: &'static Constraints,
) -> Result<T, D::Error>
where
    T: DeserializeOwned,
    D: Deserializer<'de>,
{
    read(
        deserializer,
        constraints,
        None::<fn(T) -> Result<T, Infallible>>,
    )
}

/// Deserializes a field that must satisfy `constraints` and then its own
/// validator (`#[field(validate = f)]`, Pydantic's `@field_validator`).
///
/// The validator runs on the value read, unless validation recorded an error
/// while reading it: the value is then a placeholder, which Pydantic never
/// hands a validator. Its error is the field's `value_error` (it runs inside
/// the field's newtype, so the validating deserializer locates the error at
/// the field); what it returns is the field's value.
pub fn validated<'de, T, D, E>(
    deserializer: D,
    constraints: &'static Constraints,
    validator: impl FnOnce(T) -> Result<T, E>,
) -> Result<T, D::Error>
where
    T: DeserializeOwned,
    D: Deserializer<'de>,
    E: fmt::Display,
{
    read(deserializer, constraints, Some(validator))
}

fn read<'de, T, D, E, F>(
    deserializer: D,
    constraints: &'static Constraints,
    validator: Option<F>,
) -> Result<T, D::Error>
where
    T: DeserializeOwned,
    D: Deserializer<'de>,
    E: fmt::Display,
    F: FnOnce(T) -> Result<T, E>,
{
    HANDED_OVER.set(Some(constraints));
    let visitor = ConstrainedVisitor {
        validator,
        value: PhantomData,
    };
    let result = deserializer.deserialize_newtype_struct(CONSTRAINED, visitor);
    // A deserializer that failed before visiting leaves them.
    HANDED_OVER.set(None);
    result
}

/// For a validating deserializer asked for the newtype `name`: the
/// constraints to check the value inside with, if `name` is the marker.
/// Taken once; an error if the marker comes without them, so that they are
/// never skipped.
pub(crate) fn take_handed_over(name: &str) -> Result<Option<&'static Constraints>, &'static str> {
    if name != CONSTRAINED {
        return Ok(None);
    }
    HANDED_OVER
        .take()
        .map(Some)
        .ok_or("a constrained field's constraints did not reach validation")
}

struct ConstrainedVisitor<T, F> {
    validator: Option<F>,
    value: PhantomData<T>,
}

impl<'de, T, E, F> Visitor<'de> for ConstrainedVisitor<T, F>
where
    T: DeserializeOwned,
    E: fmt::Display,
    F: FnOnce(T) -> Result<T, E>,
{
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a value validated by wafer")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let mark = validating::recorded_mark();
        let value = Self::read(deserializer)?;
        match self.validator {
            Some(validator) if validating::recorded_mark() == mark => {
                validator(value).map_err(de::Error::custom)
            }
            _ => Ok(value),
        }
    }
}

impl<T: DeserializeOwned, F> ConstrainedVisitor<T, F> {
    /// The value inside the newtype, with its constraints checked.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        match HANDED_OVER.take() {
            // A validating deserializer took them: it checks them.
            None => T::deserialize(deserializer),
            // Another deserializer on the fast path: check as it reads.
            Some(constraints) if checked::on_fast_path() => {
                checked::read(deserializer, constraints)
            }
            // Another deserializer: validate the value on its own.
            Some(constraints) => {
                let value = Value::deserialize(deserializer)?;
                validating::from_input(Input::Json(&value), Vec::new(), Some(constraints))
                    .map_err(de::Error::custom)
            }
        }
    }
}
