//! [`Route`]: a handler together with its method and path template.

use http::{Method, StatusCode};

use crate::context::RequestContext;
use crate::openapi::OperationSpec;
use crate::response::Response;

/// A handler with its method and path: what `#[get]`, `#[post]` and the other
/// route macros turn a function into. Register routes with
/// [`App::route`](crate::App::route).
pub trait Route {
    /// The route's method, path and documentation.
    fn info(&self) -> RouteInfo;

    /// Extracts the arguments from the request, runs the handler and converts
    /// its return value. Every failure is a response (422, 500, ...).
    fn call(&self, cx: &RequestContext<'_>) -> Response;
}

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

/// Several routes at once, for [`App::routes`](crate::App::routes): a tuple of
/// routes, up to twelve.
pub trait IntoRoutes {
    /// The routes, boxed.
    fn into_routes(self) -> Vec<Box<dyn Route>>;
}

macro_rules! tuple_routes {
    ($($name:ident),+) => {
        impl<$($name: Route + 'static),+> IntoRoutes for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_routes(self) -> Vec<Box<dyn Route>> {
                let ($($name,)+) = self;
                vec![$(Box::new($name)),+]
            }
        }
    };
}

tuple_routes!(A);
tuple_routes!(A, B);
tuple_routes!(A, B, C);
tuple_routes!(A, B, C, D);
tuple_routes!(A, B, C, D, E);
tuple_routes!(A, B, C, D, E, F);
tuple_routes!(A, B, C, D, E, F, G);
tuple_routes!(A, B, C, D, E, F, G, H);
tuple_routes!(A, B, C, D, E, F, G, H, I);
tuple_routes!(A, B, C, D, E, F, G, H, I, J);
tuple_routes!(A, B, C, D, E, F, G, H, I, J, K);
tuple_routes!(A, B, C, D, E, F, G, H, I, J, K, L);
