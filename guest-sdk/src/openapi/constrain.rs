//! `#[field(...)]` constraints as JSON Schema keywords, for the schemas that
//! utoipa's `#[schema(...)]` options cannot constrain: handler arguments, and
//! model fields with `items(...)`.

use serde_json::Value;

use crate::validation::{Constraints, Limit};

/// Adds constraints to a schema (to the non-null branch of an `Option`), as
/// JSON Schema keywords; `items(...)` goes to the schema of the items.
pub(crate) fn constrain(mut schema: Value, constraints: &Constraints) -> Value {
    if let Some(branches) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        for branch in branches.iter_mut().filter(|branch| !is_nullable(branch)) {
            *branch = constrain(branch.take(), constraints);
        }
        return schema;
    }
    let Some(object) = schema.as_object_mut() else {
        return schema;
    };
    let array = Value::String("array".into());
    let is_array = object
        .get("type")
        .is_some_and(|t| *t == array || t.as_array().is_some_and(|types| types.contains(&array)));
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            object.insert(key.to_owned(), value);
        }
    };
    set("exclusiveMinimum", constraints.gt.map(Limit::to_json));
    set("minimum", constraints.ge.map(Limit::to_json));
    set("exclusiveMaximum", constraints.lt.map(Limit::to_json));
    set("maximum", constraints.le.map(Limit::to_json));
    set("multipleOf", constraints.multiple_of.map(Limit::to_json));
    let (min, max) = if is_array {
        ("minItems", "maxItems")
    } else {
        ("minLength", "maxLength")
    };
    set(min, constraints.min_length.map(Value::from));
    set(max, constraints.max_length.map(Value::from));
    set("pattern", constraints.pattern.map(Value::from));
    if let (Some(items), Some(item_schema)) = (constraints.items, object.get_mut("items")) {
        *item_schema = constrain(item_schema.take(), items);
    }
    schema
}

/// Whether a schema admits `null`: an `Option`.
pub(super) fn is_nullable(schema: &Value) -> bool {
    let null = Value::String("null".into());
    match schema {
        Value::Object(object) => {
            object.get("type").is_some_and(|t| {
                *t == null || t.as_array().is_some_and(|types| types.contains(&null))
            }) || ["oneOf", "anyOf"].iter().any(|key| {
                object
                    .get(*key)
                    .and_then(Value::as_array)
                    .is_some_and(|branches| branches.iter().any(is_nullable))
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constraints_go_on_the_non_null_branch() {
        let constraints = Constraints {
            max_length: Some(3),
            ge: Some(Limit::Int(1)),
            ..Constraints::NONE
        };
        assert_eq!(
            constrain(
                json!({"oneOf": [{"type": "null"}, {"type": "string"}]}),
                &constraints
            ),
            json!({"oneOf": [{"type": "null"}, {"type": "string", "minimum": 1, "maxLength": 3}]})
        );
        assert_eq!(
            constrain(json!({"type": "array"}), &constraints),
            json!({"type": "array", "minimum": 1, "maxItems": 3})
        );
        assert!(is_nullable(&json!({"type": ["string", "null"]})));
        assert!(!is_nullable(&json!({"type": "string"})));
    }

    #[test]
    fn item_constraints_go_on_the_items_of_lists_and_optional_lists() {
        static PIXEL: Constraints = Constraints {
            ge: Some(Limit::Int(0)),
            le: Some(Limit::Int(16)),
            ..Constraints::NONE
        };
        let image = Constraints {
            min_length: Some(64),
            max_length: Some(64),
            items: Some(&PIXEL),
            ..Constraints::NONE
        };
        assert_eq!(
            constrain(
                json!({"type": ["array", "null"], "items": {"type": "number"}}),
                &image
            ),
            json!({
                "type": ["array", "null"],
                "items": {"type": "number", "minimum": 0, "maximum": 16},
                "minItems": 64,
                "maxItems": 64,
            })
        );
    }
}
