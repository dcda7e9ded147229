//! [`RouteInfo`]: what a route declares about itself, which the app routes by
//! and the document describes.

use http::{Method, StatusCode};

use super::OperationSpec;

/// What a route declares about itself.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// The HTTP method.
    pub method: Method,
    /// The path template, such as `/items/{item_id}`.
    pub path: &'static str,
    /// The handler's name: the OpenAPI `operationId`.
    pub name: &'static str,
    /// The handler's doc comment: the first paragraph is the operation's
    /// summary, the rest its description.
    pub doc: &'static str,
    /// The status of a successful response, when not 200.
    pub status: Option<StatusCode>,
    /// The operation's tags.
    pub tags: &'static [&'static str],
    /// Adds what the arguments and return type say to the operation.
    pub describe: fn(&mut OperationSpec),
}
