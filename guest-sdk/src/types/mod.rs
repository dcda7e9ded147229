//! Pydantic's everyday types, validated and documented as FastAPI does.
//!
//! Each type reads what Pydantic accepts for its Python twin, answers what it
//! refuses with Pydantic's error type and wording, serializes as Pydantic
//! does, and describes itself in OpenAPI as FastAPI writes it. Use them in
//! models and as path, query, header, cookie and form parameters:
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use wafer::types::{Date, DateTime, Decimal, Uuid};
//! use wafer::{Json, Path, get, model};
//!
//! #[model]
//! #[derive(Deserialize, Serialize)]
//! struct Order {
//!     id: Uuid,
//!     placed_at: DateTime,
//!     ship_by: Option<Date>,
//!     #[field(ge = 0, max_digits = 10, decimal_places = 2)]
//!     total: Decimal,
//! }
//!
//! #[get("/orders/{order_id}")]
//! async fn read(Path(order_id): Path<Uuid>) -> Json<Order> {
//!     let placed_at = "2032-04-23T10:20:30Z".parse().unwrap();
//!     let total = "12.50".parse().unwrap();
//!     Json(Order { id: order_id, placed_at, ship_by: None, total })
//! }
//! ```
//!
//! | Type | Python | OpenAPI |
//! |---|---|---|
//! | [`Uuid`] | `uuid.UUID` | `string`, `format: uuid` |
//! | [`Date`] | `datetime.date` | `string`, `format: date` |
//! | [`DateTime`] | `datetime.datetime` | `string`, `format: date-time` |
//! | [`Decimal`] | `decimal.Decimal` | `string` |
//!
//! [`Maybe<T>`](Maybe) is a field that knows whether it was set: FastAPI's
//! `response_model_exclude_unset`, in the type.

mod dates;
mod decimal;
mod maybe;
mod uuid;

pub use self::dates::{Date, DateTime};
pub use self::decimal::{Decimal, ParseDecimalError};
pub use self::maybe::Maybe;
pub use self::uuid::Uuid;

/// Implements what a type read in a text format shares: serialization as
/// its `Display` text, deserialization through its format (see
/// `validation::format`) and `FromStr`, and its OpenAPI schema, a string (of
/// the known format, if one is given).
macro_rules! text_format {
    ($type:ty, $format:expr $(, $known:expr)?) => {
        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let canonical = crate::validation::format::deserialize(deserializer, &$format)?;
                canonical.parse().map_err(::serde::de::Error::custom)
            }
        }

        // utoipa's own derive implements `ComposeSchema` (its `PartialSchema`
        // follows), which `Option<T>` and `Vec<T>` need to have a schema.
        impl ::utoipa::__dev::ComposeSchema for $type {
            fn compose(
                _: Vec<::utoipa::openapi::RefOr<::utoipa::openapi::Schema>>,
            ) -> ::utoipa::openapi::RefOr<::utoipa::openapi::Schema> {
                let schema = ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String);
                $(let schema = schema.format(Some(
                    ::utoipa::openapi::schema::SchemaFormat::KnownFormat($known),
                ));)?
                schema.into()
            }
        }

        impl ::utoipa::ToSchema for $type {}
    };
}
use text_format;
