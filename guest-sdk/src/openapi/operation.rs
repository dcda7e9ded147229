//! [`OperationSpec`]: what one route contributes to the OpenAPI document,
//! filled in by its arguments and its return type.

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::ContentBuilder;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::{RequestBody, RequestBodyBuilder};
use utoipa::openapi::{RefOr, Required, Schema};

use super::constrain::{constrain, is_nullable};
use crate::validation::Constraints;

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
    /// Form fields read one by one (`username: Form<String>`), which make
    /// one object schema for the request body when the operation is built.
    pub(super) form_fields: Vec<FormField>,
    /// Whether a form field is a file: the form is then multipart.
    pub(super) multipart: bool,
}

/// One form field read on its own.
pub(super) struct FormField {
    pub(super) name: String,
    pub(super) schema: Value,
    pub(super) required: bool,
}

/// How many files a form field takes, for [`OperationSpec::add_form_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileField {
    /// One file (`UploadFile`).
    One,
    /// One file or none (`Option<UploadFile>`).
    Optional,
    /// One file or more (`Vec<UploadFile>`).
    Many,
}

/// The content type of form bodies.
pub(super) const FORM: &str = "application/x-www-form-urlencoded";
/// The content type of form bodies with files.
pub(super) const MULTIPART: &str = "multipart/form-data";

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

impl OperationSpec {
    /// A form body of `T`: the fields of a struct (the schema of `T`, as
    /// FastAPI documents a form model), or one field named `name` (all such
    /// fields of the operation make one object, as FastAPI's `Body_...`).
    pub fn add_form<T: ToSchema>(
        &mut self,
        name: Option<&str>,
        constraints: Option<&'static Constraints>,
    ) {
        let schema = self.schema_of::<T>();
        if matches!(schema, RefOr::Ref(_)) {
            self.request_body = Some(
                RequestBodyBuilder::new()
                    .content(FORM, ContentBuilder::new().schema(Some(schema)).build())
                    .required(Some(Required::True))
                    .build(),
            );
            return;
        }
        let Some(name) = name else { return };
        let as_json = serde_json::to_value(&schema).unwrap_or(Value::Null);
        let required = !is_nullable(&as_json);
        let schema = match constraints {
            Some(constraints) => constrain(as_json, constraints),
            None => as_json,
        };
        self.form_fields.push(FormField {
            name: name.to_owned(),
            schema,
            required,
        });
    }

    /// A file field of the form, `name`, as FastAPI documents `UploadFile`.
    /// The form is multipart.
    pub fn add_form_file(&mut self, name: Option<&str>, files: FileField) {
        let Some(name) = name else { return };
        let file =
            serde_json::json!({"type": "string", "contentMediaType": "application/octet-stream"});
        let schema = match files {
            FileField::Many => serde_json::json!({"type": "array", "items": file}),
            FileField::One | FileField::Optional => file,
        };
        self.form_fields.push(FormField {
            name: name.to_owned(),
            schema,
            required: files != FileField::Optional,
        });
        self.multipart = true;
    }
}

impl OperationSpec {
    /// Makes the form fields read one by one into the request body: one
    /// component, `Body_<operation id>`, with a property per field.
    pub(super) fn finish_form(&mut self, operation_id: &str) {
        if self.form_fields.is_empty() || self.request_body.is_some() {
            return;
        }
        let fields = std::mem::take(&mut self.form_fields);
        let name = format!("Body_{operation_id}");
        let required: Vec<&str> = fields
            .iter()
            .filter(|field| field.required)
            .map(|field| field.name.as_str())
            .collect();
        let mut schema = serde_json::json!({
            "type": "object",
            "title": name,
            "properties": fields
                .iter()
                .map(|field| (field.name.clone(), field.schema.clone()))
                .collect::<serde_json::Map<_, _>>(),
        });
        if !required.is_empty() {
            schema["required"] = serde_json::json!(required);
        }
        let Ok(schema) = serde_json::from_value::<RefOr<Schema>>(schema) else {
            return;
        };
        self.components.insert(name.clone(), schema);
        let reference = RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name));
        let content_type = if self.multipart { MULTIPART } else { FORM };
        self.request_body = Some(
            RequestBodyBuilder::new()
                .content(
                    content_type,
                    ContentBuilder::new().schema(Some(reference)).build(),
                )
                .required(Some(if required.is_empty() {
                    Required::False
                } else {
                    Required::True
                }))
                .build(),
        );
    }
}

/// Models become components: objects with properties, and enums.
fn is_model(schema: &RefOr<Schema>) -> bool {
    let as_json = serde_json::to_value(schema).unwrap_or(Value::Null);
    as_json.get("properties").is_some() || as_json.get("enum").is_some()
}
