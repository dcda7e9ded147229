//! GraphQL over HTTP, as the GraphQL-over-HTTP specification says: requests
//! as a JSON `POST` body ([`PostRequest`]) or a `GET` query string
//! ([`GetRequest`]), responses ([`GraphQlResponse`]) in the media type the
//! client accepts, with the specification's status codes.
//!
//! | what went wrong                             | status                      |
//! |---------------------------------------------|-----------------------------|
//! | nothing, or a resolver failed (`data` set)  | 200                         |
//! | the document does not parse or validate     | 400 (`application/json`: 200) |
//! | the request is not a GraphQL request        | 400                         |
//! | a mutation sent with `GET`                  | 405                         |
//! | no acceptable media type                    | 406                         |
//! | a `POST` body that is not `application/json` | 415                        |
//!
//! Every error response has the specification's `{"errors": [...]}` body.

use std::collections::HashMap;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use http::header::{ACCEPT, ALLOW, CONTENT_TYPE, VARY};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::PartialSchema;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, Required};
use wafer::extract::{Argument, FromRequest, Rejection};
use wafer::openapi::{DescribeArgument, DescribeResponse, OperationSpec};
use wafer::{IntoResponse, RequestContext, Response};

/// The media type of GraphQL responses.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The response media types, in the order they are preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/graphql-response+json`: request errors are 400s.
    GraphQlResponse,
    /// `application/json`, for clients that predate the specification:
    /// every response to a well-formed request is a 200.
    Json,
}

impl Format {
    /// The format the request's `Accept` header asks for: the acceptable one
    /// with the highest quality, the first listed on a tie; JSON when the
    /// header is missing or accepts anything (`*/*`, `application/*`), as
    /// the specification's audit expects. `None`: nothing acceptable.
    pub fn negotiate(headers: &HeaderMap) -> Option<Format> {
        let mut values = headers.get_all(ACCEPT).iter().peekable();
        if values.peek().is_none() {
            return Some(Format::Json);
        }
        let mut best: Option<(f32, Format)> = None;
        for range in values
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
        {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let quality = parts
                .filter_map(|param| param.strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = match media.as_str() {
                GRAPHQL_RESPONSE_JSON => Format::GraphQlResponse,
                "application/json" | "application/*" | "*/*" => Format::Json,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(top, _)| quality > top) {
                best = Some((quality, format));
            }
        }
        best.map(|(_, format)| format)
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::GraphQlResponse => "application/graphql-response+json; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }
}

/// A GraphQL request sent as the body of a `POST`, as a client sends it.
#[wafer::model]
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphQlRequestBody {
    /// The GraphQL document.
    pub query: String,
    /// The operation of the document to run, when it has more than one.
    #[serde(rename = "operationName", default)]
    pub operation_name: Option<String>,
    /// The values of the operation's variables.
    #[serde(default)]
    pub variables: Option<HashMap<String, Value>>,
    /// Extensions to the request, which this server reads none of.
    #[serde(default)]
    pub extensions: Option<HashMap<String, Value>>,
}

/// A GraphQL response: the data, the errors, or both.
#[wafer::model]
pub struct GraphQlResponseBody {
    /// The result of the operation; absent when the request was refused
    /// before it ran, `null` when a non-null field failed at the top.
    pub data: Option<HashMap<String, Value>>,
    /// What went wrong, if anything.
    pub errors: Option<Vec<GraphQlError>>,
}

/// One error of a GraphQL response.
#[wafer::model]
pub struct GraphQlError {
    /// What went wrong.
    pub message: String,
    /// Where in the document, as `{"line": 1, "column": 3}` objects.
    pub locations: Option<Vec<HashMap<String, u32>>>,
    /// The field that failed, as names and list indices from the top.
    pub path: Option<Vec<Value>>,
    /// More about the error, such as a `code`.
    pub extensions: Option<HashMap<String, Value>>,
}

/// A GraphQL operation to run, and how to answer it.
pub struct Operation {
    /// The request for async-graphql, with its document parsed.
    pub request: async_graphql::Request,
    /// The media type of the answer.
    pub format: Format,
}

/// A GraphQL request sent with `POST`: a JSON body.
pub struct PostRequest(pub Operation);

/// A GraphQL request sent with `GET`: the query string. Mutations are
/// refused (405): a `GET` must not change anything.
pub struct GetRequest(pub Operation);

impl FromRequest for PostRequest {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        let format = acceptable(cx.headers())?;
        if !is_json(cx.headers()) {
            return Err(refuse(
                format,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a GraphQL POST body must be JSON, sent as `content-type: application/json`",
            ));
        }
        let body: GraphQlRequestBody = serde_json::from_slice(cx.body()).map_err(|error| {
            refuse(
                format,
                StatusCode::BAD_REQUEST,
                &format!("the body is not a GraphQL request: {error}"),
            )
        })?;
        let request = async_graphql::Request::new(body.query);
        let request = match body.operation_name {
            Some(name) => request.operation_name(name),
            None => request,
        };
        let variables = body.variables.unwrap_or_default();
        let variables =
            async_graphql::Variables::from_json(Value::Object(variables.into_iter().collect()));
        let (request, _) = parse(request.variables(variables), format)?;
        Ok(PostRequest(Operation { request, format }))
    }
}

/// The `GET` parameters: every value is a string, `variables` and
/// `extensions` JSON in one.
struct GetParameters {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

impl FromRequest for GetRequest {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        let format = acceptable(cx.headers())?;
        let bad = |message: String| refuse(format, StatusCode::BAD_REQUEST, &message);
        let query_string = cx.uri().query().unwrap_or_default();
        let parameters: GetParameters = get_parameters(query_string).map_err(bad)?;
        let Some(query) = parameters.query else {
            return Err(bad(
                "the query string has no `query` parameter (GraphiQL is at /graphql/graphiql)"
                    .to_owned(),
            ));
        };
        let variables = match parameters.variables.as_deref() {
            None | Some("") => Value::Object(Default::default()),
            Some(json) => match serde_json::from_str::<Value>(json) {
                Ok(value @ (Value::Object(_) | Value::Null)) => value,
                _ => return Err(bad("`variables` is not a JSON object".to_owned())),
            },
        };
        if let Some(json) = parameters.extensions.as_deref()
            && !json.is_empty()
            && !matches!(serde_json::from_str::<Value>(json), Ok(Value::Object(_)))
        {
            return Err(bad("`extensions` is not a JSON object".to_owned()));
        }
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let request = match parameters.operation_name {
            Some(name) => request.operation_name(name),
            None => request,
        };
        let (request, kind) = parse(request, format)?;
        if kind == Some(OperationType::Mutation) {
            let refusal = refuse(
                format,
                StatusCode::METHOD_NOT_ALLOWED,
                "mutations need POST: a GET must not change anything",
            );
            return Err(refusal);
        }
        Ok(GetRequest(Operation { request, format }))
    }
}

/// The query string's parameters, or why they are not GraphQL's.
fn get_parameters(query_string: &str) -> Result<GetParameters, String> {
    let mut parameters = GetParameters {
        query: None,
        operation_name: None,
        variables: None,
        extensions: None,
    };
    for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
        let slot = match name.as_ref() {
            "query" => &mut parameters.query,
            "operationName" => &mut parameters.operation_name,
            "variables" => &mut parameters.variables,
            "extensions" => &mut parameters.extensions,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(format!("the parameter `{name}` is given more than once"));
        }
    }
    Ok(parameters)
}

/// Parses the request's document, so that a syntax error is answered before
/// anything runs, and says which kind of operation it would run (`None` when
/// the document does not say which of several).
fn parse(
    mut request: async_graphql::Request,
    format: Format,
) -> Result<(async_graphql::Request, Option<OperationType>), Rejection> {
    let document = async_graphql::parser::parse_query(&request.query)
        .map_err(|error| request_errors(format, vec![error.into()]))?;
    let kind = operation_kind(&document, request.operation_name.as_deref());
    request.set_parsed_query(document);
    Ok((request, kind))
}

fn operation_kind(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| operation.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The format the client accepts, or a 406 (in JSON, which a client that
/// accepts nothing this server speaks can at least read).
fn acceptable(headers: &HeaderMap) -> Result<Format, Rejection> {
    Format::negotiate(headers).ok_or_else(|| {
        refuse(
            Format::Json,
            StatusCode::NOT_ACCEPTABLE,
            "accept application/graphql-response+json or application/json",
        )
    })
}

/// Whether the body is announced as JSON (in UTF-8, the only charset JSON has).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = content_type.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    let utf8 = parts
        .filter_map(|param| param.split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .all(|(_, value)| value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8"));
    essence.eq_ignore_ascii_case("application/json") && utf8
}

/// A request that is not a well-formed GraphQL request: `status`, whatever
/// the format, with one error saying why.
fn refuse(format: Format, status: StatusCode, message: &str) -> Rejection {
    let mut response = answer(format, status, &json!({"errors": [{"message": message}]}));
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response = response.with_header(ALLOW, "POST");
    }
    response.into()
}

/// A document that does not parse or validate: nothing ran, so the response
/// has no `data`. A 400 in GraphQL's own format; a 200 in plain JSON, whose
/// clients read the errors from the body.
fn request_errors(format: Format, errors: Vec<async_graphql::ServerError>) -> Response {
    let status = match format {
        Format::GraphQlResponse => StatusCode::BAD_REQUEST,
        Format::Json => StatusCode::OK,
    };
    answer(format, status, &json!({ "errors": errors }))
}

fn answer(format: Format, status: StatusCode, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => Response::new(bytes)
            .with_status(status)
            .with_header(CONTENT_TYPE, format.content_type())
            .with_header(VARY, "accept"),
        Err(error) => {
            eprintln!("graphql: cannot encode a response: {error}");
            Response::empty(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The answer to an [`Operation`]: async-graphql's response in the format
/// the client asked for.
pub struct GraphQlResponse {
    /// What the operation produced.
    pub response: async_graphql::Response,
    /// The media type to answer in.
    pub format: Format,
}

impl IntoResponse for GraphQlResponse {
    fn into_response(self) -> Response {
        let GraphQlResponse { response, format } = self;
        // Errors without a path come from parsing, validation (the depth
        // and complexity limits among it) or the variables: the operation
        // did not run. A resolver's error has the path of its field.
        let refused = response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty());
        if refused {
            return request_errors(format, response.errors);
        }
        answer(format, StatusCode::OK, &response)
    }
}

impl DescribeArgument for PostRequest {
    fn describe(operation: &mut OperationSpec, _: &Argument) {
        let schema = operation.schema_of::<GraphQlRequestBody>();
        operation.set_request_body(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(schema)).build(),
                )
                .required(Some(Required::True))
                .build(),
        );
        let errors = Some(operation.schema_of::<GraphQlResponseBody>());
        operation.add_response(
            415,
            "Unsupported Media Type: the body is not sent as JSON",
            errors,
        );
    }
}

impl DescribeArgument for GetRequest {
    fn describe(operation: &mut OperationSpec, _: &Argument) {
        let parameters = [
            (
                "query",
                true,
                "The GraphQL document: a query (mutations need POST).",
            ),
            (
                "operationName",
                false,
                "The operation of the document to run, when it has more than one.",
            ),
            (
                "variables",
                false,
                "The values of the operation's variables, as a JSON object.",
            ),
            (
                "extensions",
                false,
                "Extensions to the request, as a JSON object.",
            ),
        ];
        for (name, required, description) in parameters {
            operation.add_parameter(
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Query)
                    .required(if required {
                        Required::True
                    } else {
                        Required::False
                    })
                    .description(Some(description))
                    .schema(Some(String::schema()))
                    .build(),
            );
        }
        let errors = Some(operation.schema_of::<GraphQlResponseBody>());
        operation.add_response(405, "Method Not Allowed: a mutation sent with GET", errors);
    }
}

impl DescribeResponse for GraphQlResponse {
    fn describe(operation: &mut OperationSpec) {
        let schema = operation.schema_of::<GraphQlResponseBody>();
        operation.set_response(GRAPHQL_RESPONSE_JSON, schema.clone());
        operation.add_response(
            400,
            "Bad Request: not a GraphQL request, or a document that does not parse or \
             validate (too deep or too complex among the reasons)",
            Some(schema.clone()),
        );
        operation.add_response(
            406,
            "Not Acceptable: the client accepts neither application/graphql-response+json \
             nor application/json",
            Some(schema),
        );
    }
}
