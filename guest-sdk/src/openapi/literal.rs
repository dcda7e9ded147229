//! How a `#[wafer::literal]` enum is documented: as FastAPI writes a
//! `Literal[...]`, inline where it is used (see [`inline`](super::inline)),
//! an `enum` of its values (a `const` for one value).

use serde::Deserialize;
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::validation::enum_names::enum_names;

/// The schema of the literal `T`: the names its `Deserialize` accepts.
pub fn schema<T: for<'de> Deserialize<'de>>() -> RefOr<Schema> {
    let (_, variants) = enum_names::<T>().unwrap_or_default();
    let names = variants.iter().map(|name| Value::from(*name));
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .extensions(Some(super::inline::mark()))
        .into()
}
