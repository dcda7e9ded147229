//! How a `#[wafer::literal]` enum is documented: as FastAPI writes a
//! `Literal[...]`, inline where it is used, an `enum` of its values (a
//! `const` for one value).
//!
//! utoipa refers to any type with a schema of its own by `$ref`; a literal's
//! schema carries a mark instead, and when the document is assembled
//! [`write_out`] puts each marked schema in place of the references to it and
//! drops the component.

use std::cell::Cell;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

/// The extension that marks a literal's schema until [`write_out`].
const MARK: &str = "x-wafer-literal";

/// The schema of the literal `T`: the names its `Deserialize` accepts.
pub fn schema<T: for<'de> Deserialize<'de>>() -> RefOr<Schema> {
    let names = variant_names::<T>().iter().map(|name| Value::from(*name));
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .extensions(Some(ExtensionsBuilder::new().add(MARK, true).build()))
        .into()
}

/// The variant names serde's derive hands to `deserialize_enum`: the names
/// `T` accepts, read from its own `Deserialize`.
fn variant_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let names = Cell::new(&[][..]);
    // Always an error: the names are all that is wanted.
    let _ = T::deserialize(VariantNames(&names));
    names.get()
}

/// A deserializer that only records the variants it is asked for.
struct VariantNames<'a>(&'a Cell<&'static [&'static str]>);

impl<'de> Deserializer<'de> for VariantNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("a literal is an enum"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(variants);
        Err(de::Error::custom("only the variants were asked for"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// Writes each literal out where the document refers to it, as FastAPI
/// writes a `Literal`, and drops its component.
pub(super) fn write_out(document: &mut Value) {
    let mut literals = Vec::new();
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let names: Vec<String> = schemas
            .iter()
            .filter(|(_, schema)| schema.get(MARK).is_some())
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            if let Some(mut schema) = schemas.remove(&name) {
                finish(&mut schema);
                literals.push((format!("#/components/schemas/{name}"), schema));
            }
        }
    }
    replace(document, &literals);
}

fn replace(value: &mut Value, literals: &[(String, Value)]) {
    if value.get(MARK).is_some() {
        finish(value);
        return;
    }
    match value {
        Value::Object(object) => {
            let reference = object.get("$ref").and_then(Value::as_str);
            if let Some((_, Value::Object(literal))) = literals
                .iter()
                .find(|(known, _)| Some(known.as_str()) == reference)
            {
                // Keep what sits beside the reference (a description).
                object.remove("$ref");
                for (key, keyword) in literal {
                    object.entry(key).or_insert_with(|| keyword.clone());
                }
                return;
            }
            object.values_mut().for_each(|v| replace(v, literals));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace(v, literals)),
        _ => {}
    }
}

/// A marked schema as FastAPI writes it: unmarked, one value as `const`.
fn finish(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.remove(MARK);
    if let Some(Value::Array(values)) = object.get("enum")
        && let [value] = values.as_slice()
    {
        let value = value.clone();
        object.remove("enum");
        object.insert("const".to_owned(), value);
    }
}
