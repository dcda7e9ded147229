//! [`State`]: values the app was built with.

use super::{Argument, FromRequest, Rejection};
use crate::extract::context::RequestContext;

/// A value registered with [`App::state`](crate::App::state), cloned for the
/// handler: configuration, a client, anything built once per instance. Wrap
/// large values in `Rc` so the clone is cheap.
///
/// ```
/// use wafer::{get, App, State};
///
/// #[derive(Clone)]
/// struct Config { greeting: &'static str }
///
/// #[get("/greet")]
/// fn greet(State(config): State<Config>) -> &'static str {
///     config.greeting
/// }
///
/// let app = App::new().state(Config { greeting: "hi" }).routes(wafer::routes![greet]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct State<T>(pub T);

impl<T: Clone + 'static> FromRequest for State<T> {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        cx.state::<T>().cloned().map(State).ok_or_else(|| {
            Rejection::internal(format_args!(
                "no state of type {} was registered: add it with App::state",
                std::any::type_name::<T>()
            ))
        })
    }
}

crate::extract::deref_to_inner!(State);
