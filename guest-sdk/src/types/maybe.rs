//! [`Maybe`]: a model field that knows whether the request set it.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::validation::{Digits, HasLength, List, Number, Text};

/// A field of a [`model`](crate::model) that is either set, by the JSON (or
/// form) it was read from, or left unset: Pydantic's `model_fields_set`, in
/// the field's type. An unset field is left out when the model is written,
/// which is what FastAPI's `response_model_exclude_unset=True` answers; a
/// handler of a partial update sees which fields to change.
///
/// `Maybe<Option<T>>` tells "not given" (`Unset`) from "given as null"
/// (`Set(None)`), as a JSON merge patch needs. In the OpenAPI document the
/// field is `T`'s schema, not required.
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use wafer::types::{Date, Maybe};
/// use wafer::{Json, patch};
///
/// #[wafer::model]
/// #[derive(Deserialize, Serialize)]
/// struct OrderPatch {
///     ship_by: Maybe<Option<Date>>,
///     note: Maybe<String>,
/// }
///
/// // FastAPI: `response_model=OrderPatch, response_model_exclude_unset=True`.
/// #[patch("/orders/{id}")]
/// async fn update(Json(patch): Json<OrderPatch>) -> Json<OrderPatch> {
///     if let Maybe::Set(ship_by) = &patch.ship_by {
///         // ... store `ship_by`, which may be None.
///     }
///     Json(patch) // `{"note": "x"}` in, `{"note": "x"}` out.
/// }
/// ```
///
/// `#[wafer::model]` gives a `Maybe` field `#[serde(default)]` and
/// `#[serde(skip_serializing_if = "Maybe::is_unset")]`; in a type without
/// it, add both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Maybe<T> {
    /// Not given.
    #[default]
    Unset,
    /// Given, as this value.
    Set(T),
}

impl<T> Maybe<T> {
    /// Whether the field was not given.
    pub fn is_unset(&self) -> bool {
        matches!(self, Maybe::Unset)
    }

    /// Whether the field was given.
    pub fn is_set(&self) -> bool {
        matches!(self, Maybe::Set(_))
    }

    /// The value, if it was given.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Maybe::Set(value) => Some(value),
            Maybe::Unset => None,
        }
    }

    /// The value, if it was given.
    pub fn into_set(self) -> Option<T> {
        match self {
            Maybe::Set(value) => Some(value),
            Maybe::Unset => None,
        }
    }
}

impl<T> From<T> for Maybe<T> {
    fn from(value: T) -> Self {
        Maybe::Set(value)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    /// Read only where the field is present: it is `T` then.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Maybe::Set)
    }
}

impl<T: Serialize> Serialize for Maybe<T> {
    /// `T`; unset, a field is skipped (and anywhere else written as null).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Maybe::Set(value) => value.serialize(serializer),
            Maybe::Unset => serializer.serialize_none(),
        }
    }
}

// Constrained as `T` is.
impl<T: Number> Number for Maybe<T> {}
impl<T: HasLength> HasLength for Maybe<T> {}
impl<T: Text> Text for Maybe<T> {}
impl<T: Digits> Digits for Maybe<T> {}
impl<T: List> List for Maybe<T> {
    type Item = T::Item;
}

impl<T: PartialSchema> PartialSchema for Maybe<T> {
    fn schema() -> RefOr<Schema> {
        T::schema()
    }
}

impl<T: ToSchema> ToSchema for Maybe<T> {
    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Serialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Maybe::is_unset")]
        a: Maybe<Option<i64>>,
        #[serde(default, skip_serializing_if = "Maybe::is_unset")]
        b: Maybe<String>,
    }

    #[test]
    fn only_what_was_set_is_written_back() {
        for json in [
            r#"{}"#,
            r#"{"a":null}"#,
            r#"{"a":1,"b":"x"}"#,
            r#"{"b":""}"#,
        ] {
            let patch: Patch = serde_json::from_str(json).expect(json);
            assert_eq!(serde_json::to_string(&patch).expect("json"), json);
        }
        let patch: Patch = serde_json::from_str(r#"{"a":null}"#).expect("json");
        assert_eq!(patch.a, Maybe::Set(None));
        assert!(patch.b.is_unset());
        assert!(serde_json::from_str::<Patch>(r#"{"b":null}"#).is_err());
    }
}
