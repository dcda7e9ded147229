//! The component's OpenAPI 3.1 document, generated from its routes.

use http::Method;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::{
    InfoBuilder, OpenApi, OpenApiBuilder, PathItem, Paths, Required, ResponseBuilder,
    ResponsesBuilder,
};

use crate::route::RouteInfo;

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

/// The document for these routes.
pub(crate) fn document(info: &ApiInfo, routes: impl Iterator<Item = RouteInfo>) -> OpenApi {
    let mut paths = Paths::new();
    for route in routes {
        let Some(method) = http_method(&route.method) else {
            continue;
        };
        let item = PathItem::new(method, operation(&route));
        match paths.paths.get_mut(route.path) {
            Some(existing) => existing.merge_operations(item),
            None => {
                paths.paths.insert(route.path.to_owned(), item);
            }
        }
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(info.title.clone())
                .version(info.version.clone())
                .description(info.description.clone()),
        )
        .paths(paths)
        .build()
}

fn operation(route: &RouteInfo) -> Operation {
    let (summary, description) = split_doc(route.doc);
    let summary = summary.unwrap_or_else(|| title_case(route.name));
    let status = route.status.map_or(200, |status| status.as_u16());
    let mut operation = OperationBuilder::new()
        .operation_id(Some(route.name))
        .summary(Some(summary))
        .description(description)
        .responses(
            ResponsesBuilder::new()
                .response(
                    status.to_string(),
                    ResponseBuilder::new().description("Successful Response"),
                )
                .response(
                    "422",
                    ResponseBuilder::new().description("Validation Error"),
                ),
        );
    for name in path_params(route.path) {
        operation = operation.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True),
        );
    }
    operation.build()
}

fn path_params(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

fn http_method(method: &Method) -> Option<HttpMethod> {
    Some(match *method {
        Method::GET => HttpMethod::Get,
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::DELETE => HttpMethod::Delete,
        Method::PATCH => HttpMethod::Patch,
        Method::HEAD => HttpMethod::Head,
        Method::OPTIONS => HttpMethod::Options,
        Method::TRACE => HttpMethod::Trace,
        _ => return None,
    })
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
