//! [`OperationSpec`]: what one route contributes to the OpenAPI document,
//! filled in by its arguments and its return type.

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::{RefOr, Required, Schema};

use crate::validation::{Constraints, Limit};

/// The parts of an OpenAPI operation that come from a handler's signature.
///
/// [`DescribeArgument`](super::DescribeArgument) and
/// [`DescribeResponse`](super::DescribeResponse) implementations add to it;
/// the app turns it into the operation.
#[derive(Default)]
pub struct OperationSpec {
    pub(super) parameters: Vec<Parameter>,
    pub(super) request_body: Option<RequestBody>,
    pub(super) response: Option<ResponseContent>,
    pub(super) validated: bool,
    pub(super) components: BTreeMap<String, RefOr<Schema>>,
    pub(super) other_responses: BTreeMap<u16, (String, Option<RefOr<Schema>>)>,
    /// Alternatives of security requirements (scheme name to scopes); `None`
    /// when the operation requires nothing.
    pub(super) security: Option<Vec<BTreeMap<String, Vec<String>>>>,
    pub(super) security_schemes: BTreeMap<String, Value>,
}

/// The success response's content.
pub(super) struct ResponseContent {
    pub(super) content_type: &'static str,
    pub(super) schema: RefOr<Schema>,
}

impl OperationSpec {
    /// Adds a parameter.
    pub fn add_parameter(&mut self, parameter: Parameter) {
        self.parameters.push(parameter);
    }

    /// Sets the request body.
    pub fn set_request_body(&mut self, body: RequestBody) {
        self.request_body = Some(body);
    }

    /// Sets the success response's content.
    pub fn set_response(&mut self, content_type: &'static str, schema: RefOr<Schema>) {
        self.response = Some(ResponseContent {
            content_type,
            schema,
        });
    }

    /// Documents another response the operation can give, with a JSON body of
    /// `schema` if any.
    pub fn add_response(&mut self, status: u16, description: &str, schema: Option<RefOr<Schema>>) {
        self.other_responses
            .insert(status, (description.to_owned(), schema));
    }

    /// Requires one of these schemes (name, `securitySchemes` definition,
    /// scopes). Requirements add up: two calls require one scheme of each.
    pub fn require(&mut self, alternatives: Vec<(&str, Value, Vec<String>)>) {
        let mut added = Vec::new();
        for (name, definition, scopes) in alternatives {
            self.security_schemes.insert(name.to_owned(), definition);
            added.push((name.to_owned(), scopes));
        }
        let existing = self
            .security
            .take()
            .unwrap_or_else(|| vec![BTreeMap::new()]);
        let mut combined = Vec::new();
        for requirement in &existing {
            for (name, scopes) in &added {
                let mut requirement = requirement.clone();
                let entry: &mut Vec<String> = requirement.entry(name.clone()).or_default();
                for scope in scopes {
                    if !entry.contains(scope) {
                        entry.push(scope.clone());
                    }
                }
                combined.push(requirement);
            }
        }
        self.security = Some(combined);
    }

    /// Notes that the request can fail validation, so the operation documents
    /// the 422 response.
    pub fn mark_validated(&mut self) {
        self.validated = true;
    }

    /// The schema of `T` for use in this operation: a `$ref` to
    /// `#/components/schemas/<name>` for models (objects and enums), which are
    /// added to the document's components with the schemas they refer to; the
    /// schema itself for everything else.
    pub fn schema_of<T: ToSchema>(&mut self) -> RefOr<Schema> {
        let schema = T::schema();
        let mut referenced = Vec::new();
        T::schemas(&mut referenced);
        self.components.extend(referenced);
        if is_model(&schema) {
            let name = T::name().into_owned();
            self.components.insert(name.clone(), schema);
            RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name))
        } else {
            schema
        }
    }

    /// Parameters for a value of type `T` read from `location`: one per field
    /// if `T` is a struct, else one named `name`.
    pub fn add_parameters<T: ToSchema>(
        &mut self,
        location: ParameterIn,
        name: Option<&str>,
        constraints: Option<&'static Constraints>,
    ) {
        let schema = T::schema();
        let mut referenced = Vec::new();
        T::schemas(&mut referenced);
        self.components.extend(referenced);
        let as_json = serde_json::to_value(&schema).unwrap_or(Value::Null);
        let header_name = |name: &str| match location {
            ParameterIn::Header => name.replace('_', "-"),
            _ => name.to_owned(),
        };
        if let Some(properties) = as_json.get("properties").and_then(Value::as_object) {
            let required: Vec<&str> = as_json
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (field, field_schema) in properties {
                self.parameters.push(parameter(
                    header_name(field),
                    location.clone(),
                    required.contains(&field.as_str()) || location == ParameterIn::Path,
                    field_schema.clone(),
                ));
            }
            return;
        }
        let Some(name) = name else { return };
        let required = location == ParameterIn::Path || !is_nullable(&as_json);
        let schema = match constraints {
            Some(constraints) => constrain(as_json, constraints),
            None => as_json,
        };
        self.parameters
            .push(parameter(header_name(name), location, required, schema));
    }
}

fn parameter(name: String, location: ParameterIn, required: bool, schema: Value) -> Parameter {
    let required = if required {
        Required::True
    } else {
        Required::False
    };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(location)
        .required(required)
        .schema(serde_json::from_value::<RefOr<Schema>>(schema).ok())
        .build()
}

/// Models become components: objects with properties, and enums.
fn is_model(schema: &RefOr<Schema>) -> bool {
    let as_json = serde_json::to_value(schema).unwrap_or(Value::Null);
    as_json.get("properties").is_some() || as_json.get("enum").is_some()
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

/// Adds constraints to a parameter's schema (to the non-null branch of an
/// `Option`), as JSON Schema keywords.
fn constrain(mut schema: Value, constraints: &Constraints) -> Value {
    if let Some(branches) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        for branch in branches.iter_mut().filter(|branch| !is_nullable(branch)) {
            *branch = constrain(branch.take(), constraints);
        }
        return schema;
    }
    let Some(object) = schema.as_object_mut() else {
        return schema;
    };
    let is_array = object.get("type").is_some_and(|t| t == "array");
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
    schema
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
}
