//! The component's OpenAPI 3.1 document, generated from the same declarations
//! that serve requests: route macros, extractors, models.
//!
//! Each route contributes one operation: `operationId` from the handler's
//! name, summary and description from its doc comment, tags from the route,
//! parameters and request body from its arguments ([`DescribeArgument`]),
//! the success response from its return type or `response_model`
//! ([`DescribeResponse`]), and FastAPI's 422 response where arguments are
//! validated. Models become `components.schemas` through utoipa's `ToSchema`.

mod constrain;
mod describe;
mod errors;
mod inline;
pub(crate) mod literal;
mod operation;
mod route_info;
pub(crate) mod union;

use http::Method;
use serde_json::Value;
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApiBuilder, PathItem, Paths, Ref,
    ResponseBuilder, ResponsesBuilder,
};

pub(crate) use constrain::constrain;
pub use describe::{DescribeArgument, DescribeResponse, document_error};
#[doc(hidden)]
pub use describe::{
    Probe, ProbeArgument, ProbeArgumentFallback, ProbeResponse, ProbeResponseFallback,
};
pub use operation::{FileField, OperationSpec};

pub use route_info::RouteInfo;

/// The `info` section.
#[derive(Debug, Clone)]
pub(crate) struct ApiInfo {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: Option<String>,
}

impl Default for ApiInfo {
    fn default() -> Self {
        ApiInfo {
            title: "Wafer app".to_owned(),
            version: "0.1.0".to_owned(),
            description: None,
        }
    }
}

/// The document for these routes, as JSON.
pub(crate) fn document(info: &ApiInfo, routes: impl Iterator<Item = RouteInfo>) -> Value {
    let mut paths = Paths::new();
    let mut components = ComponentsBuilder::new();
    let mut validated = false;
    let mut security = Vec::new();
    let mut security_schemes = serde_json::Map::new();
    for route in routes {
        // A route of another method is served but cannot be documented;
        // the host's gate refuses it where the document declares security.
        let Some((method, key)) = http_method(&route.method) else {
            continue;
        };
        let mut spec = OperationSpec::default();
        (route.describe)(&mut spec);
        validated |= spec.validated;
        if let Some(requirements) = spec.security.take() {
            security.push((route.path, key, requirements));
        }
        security_schemes.extend(std::mem::take(&mut spec.security_schemes));
        let operation = operation(&route, &mut spec);
        for (name, schema) in std::mem::take(&mut spec.components) {
            components = components.schema(name, schema);
        }
        let item = PathItem::new(method, operation);
        match paths.paths.get_mut(route.path) {
            Some(existing) => existing.merge_operations(item),
            None => {
                paths.paths.insert(route.path.to_owned(), item);
            }
        }
    }
    if validated {
        components = errors::add_schemas(components);
    }
    let document = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(info.title.clone())
                .version(info.version.clone())
                .description(info.description.clone()),
        )
        .paths(paths)
        .components(Some(components.build()))
        .build();
    let mut document = serde_json::to_value(&document).unwrap_or(Value::Null);
    refer_to_components(&mut document);
    inline::write_out(&mut document);
    for (path, method, requirements) in security {
        if let Some(operation) = document
            .get_mut("paths")
            .and_then(|paths| paths.get_mut(path))
            .and_then(|item| item.get_mut(method))
        {
            operation["security"] = serde_json::json!(requirements);
        }
    }
    if !security_schemes.is_empty() {
        document["components"]["securitySchemes"] = Value::Object(security_schemes);
    }
    document
}

/// Replaces schemas written out in operations with a `$ref` to the component
/// they are a copy of (`Json<Vec<Item>>` writes `Item` out otherwise).
fn refer_to_components(document: &mut Value) {
    fn replace(value: &mut Value, known: &[(String, Value)]) {
        if let Some((name, _)) = known.iter().find(|(_, schema)| schema == value) {
            *value = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
            return;
        }
        match value {
            Value::Object(object) => object.values_mut().for_each(|v| replace(v, known)),
            Value::Array(items) => items.iter_mut().for_each(|v| replace(v, known)),
            _ => {}
        }
    }
    let known: Vec<(String, Value)> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(paths) = document.get_mut("paths") {
        replace(paths, &known);
    }
}

fn operation(route: &RouteInfo, spec: &mut OperationSpec) -> Operation {
    spec.finish_form(route.name);
    let (summary, description) = split_doc(route.doc);
    let summary = summary.unwrap_or_else(|| title_case(route.name));
    let status = route.status.map_or(200, |status| status.as_u16());
    let mut success = ResponseBuilder::new().description("Successful Response");
    if let Some(content) = spec.response.take() {
        success = success.content(
            content.content_type,
            ContentBuilder::new().schema(Some(content.schema)).build(),
        );
    }
    let mut responses = ResponsesBuilder::new().response(status.to_string(), success);
    for (status, (description, schema)) in std::mem::take(&mut spec.other_responses) {
        let mut response = ResponseBuilder::new().description(description);
        if let Some(schema) = schema {
            response = response.content(
                "application/json",
                ContentBuilder::new().schema(Some(schema)).build(),
            );
        }
        responses = responses.response(status.to_string(), response);
    }
    if spec.validated {
        responses = responses.response(
            "422",
            ResponseBuilder::new()
                .description("Validation Error")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(errors::HTTP_VALIDATION_ERROR)))
                        .build(),
                ),
        );
    }
    OperationBuilder::new()
        .operation_id(Some(route.name))
        .summary(Some(summary))
        .description(description)
        .tags((!route.tags.is_empty()).then(|| route.tags.iter().copied()))
        .parameters((!spec.parameters.is_empty()).then(|| std::mem::take(&mut spec.parameters)))
        .request_body(spec.request_body.take())
        .responses(responses)
        .build()
}

/// utoipa's name for a method OpenAPI can document, and its key in a path
/// item.
fn http_method(method: &Method) -> Option<(HttpMethod, &'static str)> {
    let key = wafer_contract::method::operation_key(method)?;
    let method = match key {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "delete" => HttpMethod::Delete,
        "patch" => HttpMethod::Patch,
        "head" => HttpMethod::Head,
        "options" => HttpMethod::Options,
        _ => HttpMethod::Trace,
    };
    Some((method, key))
}

/// The first paragraph of a doc comment, and the rest.
fn split_doc(doc: &str) -> (Option<String>, Option<String>) {
    let doc = doc.trim();
    if doc.is_empty() {
        return (None, None);
    }
    match doc.split_once("\n\n") {
        Some((summary, rest)) => (
            Some(summary.split_whitespace().collect::<Vec<_>>().join(" ")),
            Some(rest.trim().to_owned()),
        ),
        None => (
            Some(doc.split_whitespace().collect::<Vec<_>>().join(" ")),
            None,
        ),
    }
}

/// FastAPI's default summary: `read_item` becomes `Read Item`.
fn title_case(name: &str) -> String {
    name.split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_come_from_docs_or_names() {
        assert_eq!(title_case("read_item"), "Read Item");
        assert_eq!(split_doc(""), (None, None));
        assert_eq!(
            split_doc(" Read one item.\n\n It must exist. "),
            (Some("Read one item.".into()), Some("It must exist.".into()))
        );
    }
}
