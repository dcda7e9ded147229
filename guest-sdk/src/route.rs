//! [`Route`]: a handler together with its method and path template.

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
    fn call(&self, cx: &RequestContext<'_>) -> Response;
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
