//! Which types each constraint applies to, so that the macros check at
//! compile time that a `#[field(...)]` fits its field: `gt`, `ge`, `lt`,
//! `le` and `multiple_of` need a [`Number`], `min_length` and `max_length`
//! a type that [`HasLength`], `pattern` a [`Text`], `max_digits` and
//! `decimal_places` a [`Digits`], and `items(...)` a [`List`], whose
//! [`List::Item`] its constraints must fit. `Option<T>` and
//! [`Maybe<T>`](crate::types::Maybe) are constrained as `T` is.
//!
//! Implement them for a type of your own that deserializes from what the
//! constraint checks (a number, a string, or a list):
//!
//! ```
//! #[derive(serde::Deserialize)]
//! #[serde(transparent)]
//! struct Tags(Vec<String>);
//!
//! impl wafer::validation::HasLength for Tags {}
//! ```

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// A type that `gt`, `ge`, `lt`, `le` and `multiple_of` constrain: it
/// deserializes from a number.
#[diagnostic::on_unimplemented(
    message = "`gt`, `ge`, `lt`, `le` and `multiple_of` constrain numbers, and `{Self}` is not one",
    label = "not a number type",
    note = "a type of your own that deserializes from a number can implement `wafer::validation::Number`"
)]
pub trait Number {}

/// A type that `min_length` and `max_length` constrain: it deserializes from
/// a string (its length counted in characters) or a list (in items).
#[diagnostic::on_unimplemented(
    message = "`min_length` and `max_length` constrain strings and lists, and `{Self}` is neither",
    label = "not a string or list type",
    note = "a type of your own that deserializes from a string or a list can implement `wafer::validation::HasLength`"
)]
pub trait HasLength {}

/// A type that `pattern` constrains: it deserializes from a string.
#[diagnostic::on_unimplemented(
    message = "`pattern` constrains strings, and `{Self}` is not one",
    label = "not a string type",
    note = "a type of your own that deserializes from a string can implement `wafer::validation::Text`"
)]
pub trait Text {}

/// A type that `max_digits` and `decimal_places` constrain: a decimal
/// number, whose digits are counted as written.
#[diagnostic::on_unimplemented(
    message = "`max_digits` and `decimal_places` constrain decimals, and `{Self}` is not one",
    label = "not a decimal type",
    note = "use `wafer::types::Decimal`, which keeps the digits it was given"
)]
pub trait Digits {}

/// A type that `items(...)` constrains: it deserializes from a list of
/// [`Item`](List::Item)s, which the constraints inside `items(...)` must fit.
#[diagnostic::on_unimplemented(
    message = "`items(...)` constrains the items of lists, and `{Self}` is not a list",
    label = "not a list type",
    note = "a type of your own that deserializes from a list can implement `wafer::validation::List`"
)]
pub trait List {
    /// The type of one item.
    type Item: ?Sized;
}

macro_rules! implement {
    ($trait:ident: $($ty:ty),* $(,)?) => {
        $(impl $trait for $ty {})*
    };
}

implement!(Number: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
implement!(Text: String, str, Box<str>, Cow<'_, str>);
implement!(HasLength: String, str, Box<str>, Cow<'_, str>);

impl<T> HasLength for Vec<T> {}
impl<T> HasLength for VecDeque<T> {}
impl<T, S> HasLength for HashSet<T, S> {}
impl<T> HasLength for BTreeSet<T> {}
impl<T> HasLength for Box<[T]> {}
impl<T> HasLength for [T] {}

impl<T> List for Vec<T> {
    type Item = T;
}
impl<T> List for VecDeque<T> {
    type Item = T;
}
impl<T, S> List for HashSet<T, S> {
    type Item = T;
}
impl<T> List for BTreeSet<T> {
    type Item = T;
}
impl<T> List for Box<[T]> {
    type Item = T;
}
impl<T> List for [T] {
    type Item = T;
}

impl<T: Number> Number for Option<T> {}
impl<T: HasLength> HasLength for Option<T> {}
impl<T: Text> Text for Option<T> {}
impl<T: Digits> Digits for Option<T> {}
impl<T: List> List for Option<T> {
    type Item = T::Item;
}

/// Checks at compile time that `T` is a [`Number`] (called by macro code).
#[doc(hidden)]
pub const fn number<T: Number + ?Sized>() {}

/// Checks at compile time that `T` [`HasLength`] (called by macro code).
#[doc(hidden)]
pub const fn has_length<T: HasLength + ?Sized>() {}

/// Checks at compile time that `T` is a [`Text`] (called by macro code).
#[doc(hidden)]
pub const fn text<T: Text + ?Sized>() {}

/// Checks at compile time that `T` has [`Digits`] (called by macro code).
#[doc(hidden)]
pub const fn digits<T: Digits + ?Sized>() {}

/// Checks at compile time that `T` is a [`List`] (called by macro code).
#[doc(hidden)]
pub const fn list<T: List + ?Sized>() {}
