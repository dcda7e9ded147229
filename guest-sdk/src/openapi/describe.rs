//! How handler arguments and return types describe themselves in the OpenAPI
//! document.
//!
//! The route macros call [`DescribeArgument`] for every argument and
//! [`DescribeResponse`] for the return type where the type implements them.
//! Other types (your own dependencies, `impl IntoResponse`) simply add
//! nothing: the macros pick between the two with autoref-based dispatch
//! ([`Probe`]), so implementing these traits is optional.

use std::marker::PhantomData;

use http::StatusCode;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::{ContentBuilder, Required};
use utoipa::{PartialSchema, ToSchema};

use super::constrain::is_nullable;
use super::operation::{FileField, OperationSpec};
use crate::client::Client;
use crate::extract::{Argument, Cookie, Form, Header, Json, Path, Query, UploadFile};
use crate::response::{Ndjson, Sse, StreamBody};

/// An argument that contributes parameters or a request body.
///
/// Implement it for a dependency to document what it reads:
///
/// ```
/// use wafer::extract::{Argument, FromRequest, Rejection};
/// use wafer::openapi::{DescribeArgument, OperationSpec};
/// use wafer::{Query, RequestContext};
///
/// #[wafer::model]
/// #[derive(serde::Deserialize)]
/// struct Page { offset: Option<u32>, limit: Option<u32> }
///
/// struct Pagination(Page);
///
/// impl FromRequest for Pagination {
///     fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
///         Ok(Pagination(cx.extract::<Query<Page>>()?.0))
///     }
/// }
///
/// impl DescribeArgument for Pagination {
///     fn describe(operation: &mut OperationSpec, argument: &Argument) {
///         Query::<Page>::describe(operation, argument);
///     }
/// }
/// ```
pub trait DescribeArgument {
    /// Adds what the argument reads to `operation`.
    fn describe(operation: &mut OperationSpec, argument: &Argument);
}

/// A return type that says what a successful response contains.
pub trait DescribeResponse {
    /// Sets the success response's content on `operation`.
    fn describe(operation: &mut OperationSpec);
}

impl<T: ToSchema> DescribeArgument for Path<T> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_parameters::<T>(ParameterIn::Path, argument.name(), argument.constraints());
        operation.mark_validated();
    }
}

impl<T: ToSchema> DescribeArgument for Query<T> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_parameters::<T>(ParameterIn::Query, argument.name(), argument.constraints());
        operation.mark_validated();
    }
}

impl<T: ToSchema> DescribeArgument for Header<T> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_parameters::<T>(ParameterIn::Header, argument.name(), argument.constraints());
        operation.mark_validated();
    }
}

impl<T: ToSchema> DescribeArgument for Cookie<T> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_parameters::<T>(ParameterIn::Cookie, argument.name(), argument.constraints());
        operation.mark_validated();
    }
}

/// What every form and file argument adds: validation's 422, and the 400
/// FastAPI answers to a multipart body it cannot read.
fn describe_form_body(operation: &mut OperationSpec) {
    operation.mark_validated();
    operation.add_response(
        400,
        "Bad Request: the multipart body cannot be read",
        Some(detail()),
    );
}

impl<T: ToSchema> DescribeArgument for Form<T> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_form::<T>(argument.name(), argument.constraints());
        describe_form_body(operation);
    }
}

impl DescribeArgument for UploadFile {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_form_file(argument.name(), FileField::One);
        describe_form_body(operation);
    }
}

impl DescribeArgument for Option<UploadFile> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_form_file(argument.name(), FileField::Optional);
        describe_form_body(operation);
    }
}

impl DescribeArgument for Vec<UploadFile> {
    fn describe(operation: &mut OperationSpec, argument: &Argument) {
        operation.add_form_file(argument.name(), FileField::Many);
        describe_form_body(operation);
    }
}

impl<T: ToSchema> DescribeArgument for Json<T> {
    fn describe(operation: &mut OperationSpec, _: &Argument) {
        let schema = operation.schema_of::<T>();
        let optional = is_nullable(&serde_json::to_value(&schema).unwrap_or_default());
        operation.set_request_body(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(schema)).build(),
                )
                .required(Some(if optional {
                    Required::False
                } else {
                    Required::True
                }))
                .build(),
        );
        operation.mark_validated();
        // A body that is not UTF-8 is not JSON at all: 400, as in FastAPI.
        operation.add_response(
            400,
            "Bad Request: the body is not valid UTF-8",
            Some(detail()),
        );
    }
}

impl<T: ToSchema> DescribeResponse for Json<T> {
    fn describe(operation: &mut OperationSpec) {
        let schema = operation.schema_of::<T>();
        operation.set_response("application/json", schema);
    }
}

impl DescribeResponse for String {
    fn describe(operation: &mut OperationSpec) {
        operation.set_response("text/plain", String::schema());
    }
}

impl DescribeResponse for &'static str {
    fn describe(operation: &mut OperationSpec) {
        operation.set_response("text/plain", String::schema());
    }
}

/// A redirect has no content to document; its status is chosen when it is
/// made.
impl DescribeResponse for crate::Redirect {
    fn describe(_: &mut OperationSpec) {}
}

impl DescribeResponse for Vec<u8> {
    fn describe(operation: &mut OperationSpec) {
        operation.set_response("application/octet-stream", binary());
    }
}

/// A handler that calls out may answer as a gateway when the call fails.
impl DescribeArgument for Client {
    fn describe(operation: &mut OperationSpec, _: &Argument) {
        operation.add_response(
            502,
            "Bad Gateway: an upstream failed or is not allowed",
            Some(detail()),
        );
        operation.add_response(
            504,
            "Gateway Timeout: an upstream was too slow",
            Some(detail()),
        );
    }
}

/// Documents that the operation may answer `status` with an
/// [`HttpError`](crate::HttpError)'s `{"detail": ...}` body: what a route's
/// `responses = [404]` writes.
pub fn document_error(operation: &mut OperationSpec, status: u16) {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Error");
    operation.add_response(status, reason, Some(detail()));
}

/// `{"detail": string}`, the body of the SDK's own error answers.
fn detail() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .property("detail", String::schema())
        .required("detail")
        .into()
}

/// Each event, as a client parses it: the schema applies to every event of
/// the stream.
impl<S> DescribeResponse for Sse<S> {
    fn describe(operation: &mut OperationSpec) {
        let event = utoipa::openapi::ObjectBuilder::new()
            .description(Some("A server-sent event."))
            .property("data", String::schema())
            .property("event", String::schema())
            .property("id", String::schema())
            .property(
                "retry",
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::Integer)
                    .minimum(Some(0)),
            );
        operation.set_response("text/event-stream", event.into());
    }
}

impl<S> DescribeResponse for Ndjson<S> {
    fn describe(operation: &mut OperationSpec) {
        operation.set_response(
            "application/x-ndjson",
            described_string("One JSON value a line, sent as each is produced."),
        );
    }
}

impl<S> DescribeResponse for StreamBody<S> {
    fn describe(operation: &mut OperationSpec) {
        operation.set_response("application/octet-stream", binary());
    }
}

/// A string schema with a description.
fn described_string(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .description(Some(description))
        .into()
}

/// The schema of bytes.
fn binary() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Binary,
        )))
        .into()
}

impl<T: DescribeResponse, E> DescribeResponse for Result<T, E> {
    fn describe(operation: &mut OperationSpec) {
        T::describe(operation);
    }
}

impl<T: DescribeResponse> DescribeResponse for (StatusCode, T) {
    fn describe(operation: &mut OperationSpec) {
        T::describe(operation);
    }
}

impl<T: DescribeResponse> DescribeResponse for (crate::SetCookie, T) {
    fn describe(operation: &mut OperationSpec) {
        T::describe(operation);
    }
}

impl<T: DescribeResponse, K, V, const N: usize> DescribeResponse for ([(K, V); N], T) {
    fn describe(operation: &mut OperationSpec) {
        T::describe(operation);
    }
}

impl<T: DescribeResponse, K, V, const N: usize> DescribeResponse for (StatusCode, [(K, V); N], T) {
    fn describe(operation: &mut OperationSpec) {
        T::describe(operation);
    }
}

/// Dispatches to [`DescribeArgument`] / [`DescribeResponse`] when `T`
/// implements them, and to nothing otherwise: `(&&Probe::<T>::new()).method()`
/// finds the specific impl on `&Probe<T>` first and falls back to the one on
/// `Probe<T>`. Used by the route macros.
#[doc(hidden)]
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> Probe<T> {
    /// A probe for `T`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Probe(PhantomData)
    }
}

#[doc(hidden)]
pub trait ProbeArgument {
    fn describe_argument(&self, operation: &mut OperationSpec, argument: &Argument);
}

impl<T: DescribeArgument> ProbeArgument for &Probe<T> {
    fn describe_argument(&self, operation: &mut OperationSpec, argument: &Argument) {
        T::describe(operation, argument);
    }
}

#[doc(hidden)]
pub trait ProbeArgumentFallback {
    fn describe_argument(&self, _operation: &mut OperationSpec, _argument: &Argument) {}
}

impl<T: ?Sized> ProbeArgumentFallback for Probe<T> {}

#[doc(hidden)]
pub trait ProbeResponse {
    fn describe_response(&self, operation: &mut OperationSpec);
}

impl<T: DescribeResponse> ProbeResponse for &Probe<T> {
    fn describe_response(&self, operation: &mut OperationSpec) {
        T::describe(operation);
    }
}

#[doc(hidden)]
pub trait ProbeResponseFallback {
    fn describe_response(&self, _operation: &mut OperationSpec) {}
}

impl<T: ?Sized> ProbeResponseFallback for Probe<T> {}
