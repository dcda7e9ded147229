//! Constrained model fields: how `#[wafer::model]` hands a field's constraints
//! to the validating deserializer through serde.
//!
//! For a field with `#[field(...)]`, the model macro adds
//! `#[serde(deserialize_with = ...)]` with a function that calls
//! [`constrained`]. It asks the deserializer for a newtype struct whose name
//! carries the constraints; the validating deserializer reads them from the name
//! and checks the value inside, while other deserializers see an ordinary
//! newtype and get a refusal, so the value always goes through validation.

use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The newtype name prefix that carries a constraints spec.
pub(crate) const CONSTRAINED: &str = "$wafer::constrained";

/// Deserializes a constrained field. `name` is [`CONSTRAINED`] followed by the
/// constraints as JSON, e.g. `$wafer::constrained{"min_length":1}`.
pub fn constrained<'de, T, D>(deserializer: D, name: &'static str) -> Result<T, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_newtype_struct(name, ConstrainedVisitor(PhantomData))
}

struct ConstrainedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ConstrainedVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a value validated by wafer")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        if super::de::is_validating() {
            T::deserialize(deserializer)
        } else {
            Err(de::Error::custom(
                "a field with constraints can only be read through wafer's validation",
            ))
        }
    }
}
