//! Schemas written out where they are used, as FastAPI writes a `Literal`
//! and a discriminated union, instead of as components.
//!
//! utoipa refers to any type with a schema of its own by `$ref`; such a
//! type's schema carries a [`mark`] instead, and when the document is
//! assembled [`write_out`] puts each marked schema in place of the
//! references to it and drops the component.

use serde_json::Value;
use utoipa::openapi::extensions::{Extensions, ExtensionsBuilder};

/// The extension that marks a schema until [`write_out`].
const MARK: &str = "x-wafer-inline";

/// The extensions that mark a schema to be written out where it is used.
pub(crate) fn mark() -> Extensions {
    ExtensionsBuilder::new().add(MARK, true).build()
}

/// Writes each marked schema out where the document refers to it, and
/// drops its component.
pub(super) fn write_out(document: &mut Value) {
    let mut inlined = Vec::new();
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
                inlined.push((format!("#/components/schemas/{name}"), schema));
            }
        }
    }
    replace(document, &inlined);
}

fn replace(value: &mut Value, inlined: &[(String, Value)]) {
    if value.get(MARK).is_some() {
        finish(value);
        return;
    }
    match value {
        Value::Object(object) => {
            let reference = object.get("$ref").and_then(Value::as_str);
            if let Some((_, Value::Object(schema))) = inlined
                .iter()
                .find(|(known, _)| Some(known.as_str()) == reference)
            {
                // Keep what sits beside the reference (a description).
                object.remove("$ref");
                for (key, keyword) in schema {
                    object.entry(key).or_insert_with(|| keyword.clone());
                }
                return;
            }
            object.values_mut().for_each(|v| replace(v, inlined));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace(v, inlined)),
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
