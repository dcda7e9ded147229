//! Constraints checked while serde reads a body, on the fast path.
//!
//! A valid body is read by `serde_json` alone (see `from_body`); its
//! constrained fields must still be checked. [`Checked`] wraps the
//! deserializer of a constrained value and checks each number, string and
//! list as it goes by, with the same checks as the validating deserializer
//! ([`Constraints`]' methods), so that a valid body costs one pass over its
//! bytes and no allocation beyond its values.
//!
//! It only answers "valid or not". Any failed check, and anything it does not
//! check (a number sent as text, a constrained map), is a refusal that ends
//! the fast path: the body then goes to the validating pass, which accepts
//! what Pydantic accepts and reports each error where it is. A refusal is
//! also remembered, so that a type whose deserialization swallows errors (an
//! untagged enum trying its next variant) cannot turn it into a different
//! value than validation would. So a body the fast path reads is one the
//! validating pass reads the same.

use std::cell::Cell;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::constraints::{Constraints, Numeric};
use super::error::ErrorDetail;
use super::format::{self, Format};

/// Where the fast path on this thread stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FastPath {
    /// Not under way: constrained fields validate on their own.
    Off,
    /// Under way, nothing refused yet.
    Reading,
    /// Under way, and a value was refused: the body is validation's.
    Refused,
}

thread_local! {
    static FAST_PATH: Cell<FastPath> = const { Cell::new(FastPath::Off) };
}

/// Runs `read`, a deserialization by `serde_json` whose constrained fields
/// are checked as it reads them: `None` if any was refused, whatever `read`
/// made of the refusal, and the input must go to the validating pass.
pub(crate) fn fast_path<T>(read: impl FnOnce() -> T) -> Option<T> {
    /// Restores the state however `read` ends.
    struct Restore(FastPath);
    impl Drop for Restore {
        fn drop(&mut self) {
            FAST_PATH.set(self.0);
        }
    }
    let _restore = Restore(FAST_PATH.replace(FastPath::Reading));
    let value = read();
    (FAST_PATH.get() == FastPath::Reading).then_some(value)
}

/// Whether a constrained field is being read on the fast path, to be checked
/// by a [`Checked`] deserializer.
pub(crate) fn on_fast_path() -> bool {
    FAST_PATH.get() != FastPath::Off
}

/// Reads a constrained value on the fast path: `deserializer`'s value,
/// checked against `constraints`. Any error is remembered as a refusal,
/// also one the deserializer raises itself (a string where a number was
/// asked for), in case the caller swallows it.
pub(crate) fn read<'de, T, D>(
    deserializer: D,
    constraints: &'static Constraints,
) -> Result<T, D::Error>
where
    T: serde::Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(Checked::new(deserializer, constraints)).map_err(refusing)
}

/// The error that refuses a value (nobody sees it: the validating pass
/// reports instead), remembered for [`fast_path`].
fn refused<E: de::Error>() -> E {
    refusing(E::custom("left to the validating pass"))
}

/// Remembers `error`, met while checking, as a refusal.
fn refusing<E>(error: E) -> E {
    FAST_PATH.set(FastPath::Refused);
    error
}

/// A deserializer whose values must satisfy `constraints`; every error it
/// passes on is remembered as a refusal.
pub(crate) struct Checked<D> {
    inner: D,
    constraints: &'static Constraints,
    /// The format of the text read, inside a type of a text format.
    format: Option<&'static Format>,
}

impl<D> Checked<D> {
    /// Checks what `inner` reads against `constraints`.
    pub(crate) fn new(inner: D, constraints: &'static Constraints) -> Self {
        Checked {
            inner,
            constraints,
            format: None,
        }
    }

    fn visitor<V>(&self, inner: V, expected: Expected) -> CheckedVisitor<V> {
        CheckedVisitor {
            inner,
            constraints: self.constraints,
            expected,
            format: self.format,
        }
    }
}

/// What the type being read asked for, which decides the checks: Pydantic
/// compares an `int` field's bounds as integers, a `float` field's as floats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expected {
    Integer,
    Float,
    Text,
    List,
    /// Anything else: a constrained value of it is left to validation.
    Other,
}

macro_rules! forward {
    ($($method:ident => $expected:ident,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.visitor(visitor, Expected::$expected);
            self.inner.$method(visitor).map_err(refusing)
        }
    )*};
}

/// The same, for the methods that take more than the visitor; none of these
/// types is one a constraint applies to.
macro_rules! forward_with {
    ($($method:ident($($arg:ident: $ty:ty),*),)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.visitor(visitor, Expected::Other);
            self.inner.$method($($arg,)* visitor).map_err(refusing)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<D> {
    type Error = D::Error;

    forward! {
        deserialize_any => Other,
        deserialize_bool => Other,
        deserialize_i8 => Integer,
        deserialize_i16 => Integer,
        deserialize_i32 => Integer,
        deserialize_i64 => Integer,
        deserialize_i128 => Integer,
        deserialize_u8 => Integer,
        deserialize_u16 => Integer,
        deserialize_u32 => Integer,
        deserialize_u64 => Integer,
        deserialize_u128 => Integer,
        deserialize_f32 => Float,
        deserialize_f64 => Float,
        deserialize_char => Other,
        deserialize_str => Text,
        deserialize_string => Text,
        deserialize_bytes => Other,
        deserialize_byte_buf => Other,
        // `Option<T>` is constrained as `T` is: the visitor passes the
        // constraints on to the value inside.
        deserialize_option => Other,
        deserialize_unit => Other,
        deserialize_seq => List,
        deserialize_map => Other,
        deserialize_identifier => Other,
        deserialize_ignored_any => Other,
    }

    forward_with! {
        deserialize_unit_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    /// A type of a text format (a decimal) asks for its marker: the text
    /// inside is checked by the format's rule.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let mut visitor = self.visitor(visitor, Expected::Other);
        visitor.format = format::by_marker(name);
        self.inner
            .deserialize_newtype_struct(name, visitor)
            .map_err(refusing)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The visitor of a checked value: checks what it is given, then hands it
/// to the visitor of the type being read.
struct CheckedVisitor<V> {
    inner: V,
    constraints: &'static Constraints,
    expected: Expected,
    format: Option<&'static Format>,
}

/// The checks' error constructor: the details are never shown (see the
/// module's documentation), so the value and its location are left out.
fn detail(kind: &'static str) -> ErrorDetail {
    ErrorDetail::new(kind, Vec::<super::LocItem>::new(), Value::Null)
}

impl<V> CheckedVisitor<V> {
    /// Checks a number, as an integer or a float as the type asked.
    fn number<E: de::Error>(
        &self,
        integer: impl FnOnce() -> Option<i128>,
        float: impl FnOnce() -> f64,
    ) -> Result<(), E> {
        let value = match self.expected {
            Expected::Integer => Numeric::Int(integer().ok_or_else(|| refused())?),
            Expected::Float => Numeric::Float(float()),
            _ => return Err(refused()),
        };
        self.constraints
            .check_number(value, detail)
            .map_err(|_| refused())
    }

    /// Checks a string, if the type asked for one: by its format's rule
    /// inside a type of a text format.
    fn text<E: de::Error>(&self, text: &str) -> Result<(), E> {
        // A format's type asks for any value (see `format::deserialize`).
        if self.expected != Expected::Text && self.format.is_none() {
            return Err(refused());
        }
        match self.format {
            Some(format) => (format.read)(format::Scalar::Text(text))
                .map_err(|_| refused::<E>())
                .and_then(|canonical| {
                    (format.constrain)(&canonical, self.constraints, &detail).map_err(|_| refused())
                }),
            None => self
                .constraints
                .check_str(text, detail)
                .map_err(|_| refused()),
        }
    }
}

/// What the checks leave to validation: `Err` for a value of a kind no
/// check is written for.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*),)*) => {$(
        fn $method<E: de::Error>(self, $(_: $arg),*) -> Result<V::Value, E> {
            Err(refused())
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(formatter)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<V::Value, E> {
        self.number(|| Some(value.into()), || value as f64)?;
        self.inner.visit_i64(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<V::Value, E> {
        self.number(|| Some(value.into()), || value as f64)?;
        self.inner.visit_u64(value)
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<V::Value, E> {
        self.number(|| Some(value), || value as f64)?;
        self.inner.visit_i128(value)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<V::Value, E> {
        self.number(|| i128::try_from(value).ok(), || value as f64)?;
        self.inner.visit_u128(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<V::Value, E> {
        // An integer field given a float is validation's to decide (Pydantic
        // takes `3.0` for `3`).
        if self.expected != Expected::Float {
            return Err(refused());
        }
        self.number(|| None, || value)?;
        self.inner.visit_f64(value)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        self.text(value)?;
        self.inner.visit_str(value)
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        self.text(value)?;
        self.inner.visit_borrowed_str(value)
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        self.text(&value)?;
        self.inner.visit_string(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        // `None` satisfies any constraints, as in validation.
        self.inner.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner
            .visit_some(Checked::new(deserializer, self.constraints))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Checked {
            inner: deserializer,
            constraints: self.constraints,
            format: self.format,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.expected != Expected::List {
            return Err(refused());
        }
        let count = Cell::new(0);
        let value = self.inner.visit_seq(CheckedItems {
            inner: seq,
            constraints: self.constraints,
            count: &count,
        })?;
        self.constraints
            .check_min_items(count.get(), detail)
            .map_err(|_| refused())?;
        Ok(value)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(refused())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(refused())
    }

    refuse! {
        visit_bool(bool),
        visit_char(char),
        visit_bytes(&[u8]),
        visit_unit(),
    }
}

/// The items of a checked list: counted (too many ends the list at once),
/// each checked against the list's `items` constraints.
struct CheckedItems<'c, A> {
    inner: A,
    constraints: &'static Constraints,
    count: &'c Cell<usize>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedItems<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let item = match self.constraints.items {
            Some(items) => self.inner.next_element_seed(CheckedSeed { seed, items }),
            None => self.inner.next_element_seed(seed),
        }
        .map_err(refusing)?;
        if item.is_some() {
            let count = self.count.get() + 1;
            self.constraints
                .check_max_items(count, detail)
                .map_err(|_| refused())?;
            self.count.set(count);
        }
        Ok(item)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// One item of a checked list, with the constraints of items.
struct CheckedSeed<T> {
    seed: T,
    items: &'static Constraints,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Value, D::Error> {
        self.seed
            .deserialize(Checked::new(deserializer, self.items))
    }
}

#[cfg(test)]
mod tests;
