//! [`Route`]: a handler together with its method and path template.

use std::future::Future;
use std::pin::Pin;

use crate::extract::context::RequestContext;
use crate::openapi::RouteInfo;
use crate::response::Response;

/// A handler with its method and path: what `#[get]`, `#[post]` and the other
/// route macros turn a function into. Register routes with
/// [`App::route`](crate::App::route).
pub trait Route {
    /// The route's method, path and documentation.
    fn info(&self) -> RouteInfo;

    /// Extracts the arguments from the request, runs the handler and converts
    /// its return value. Every failure is a response (422, 500, ...).
    fn call<'a>(&'a self, cx: &'a RequestContext<'a>) -> Handled<'a>;
}

/// What a [`Route`] gives for a request: the response of a synchronous
/// handler, or the future of an `async` one, which the app awaits.
///
/// Synchronous handlers answer without a future, so they cost what they did
/// before handlers could be `async`.
pub enum Handled<'a> {
    /// The response, already made.
    Ready(Response),
    /// The response, once the future is done.
    Pending(Pin<Box<dyn Future<Output = Response> + 'a>>),
}

impl Handled<'_> {
    /// The response, awaiting the handler if it is still running.
    pub async fn response(self) -> Response {
        match self {
            Handled::Ready(response) => response,
            Handled::Pending(future) => future.await,
        }
    }
}

impl From<Response> for Handled<'_> {
    fn from(response: Response) -> Self {
        Handled::Ready(response)
    }
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
