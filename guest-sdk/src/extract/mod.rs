//! Extractors: the types a handler's arguments can have.
//!
//! Every argument of a handler implements [`FromRequest`]. The SDK's own
//! extractors are [`Path`], [`Query`], [`Header`], [`Cookie`], [`Json`], [`Form`], [`State`], the
//! raw body (`Vec<u8>`, `String`), and `http`'s `Method`, `Uri` and
//! `HeaderMap`. Any type of yours that implements [`FromRequest`] is a
//! dependency, FastAPI's `Depends` done the Rust way: it can use other
//! extractors through [`RequestContext::extract`], and its errors become
//! responses.
//!
//! The handler macros run every extractor of a handler, collect all validation
//! errors into one 422 response in FastAPI's order, and stop at the first
//! other rejection (a 401, a 413, ...).

/// Gives an extractor wrapper `Deref` and `DerefMut` to the value it wraps.
macro_rules! deref_to_inner {
    ($wrapper:ident) => {
        impl<T> std::ops::Deref for $wrapper<T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.0
            }
        }

        impl<T> std::ops::DerefMut for $wrapper<T> {
            fn deref_mut(&mut self) -> &mut T {
                &mut self.0
            }
        }
    };
}
pub(crate) use deref_to_inner;

/// Implements [`FromRequest`] for an extractor of named string parameters:
/// `$wrapper<T>` validates `T` from the request's `$params` (one named like
/// the argument, or a struct of them), with the argument's constraints.
macro_rules! from_params {
    ($wrapper:ident, $params:ident) => {
        impl<T: serde::de::DeserializeOwned> $crate::extract::FromRequest for $wrapper<T> {
            fn from_request(
                cx: &$crate::extract::RequestContext<'_>,
                argument: &$crate::extract::Argument,
            ) -> Result<Self, $crate::extract::Rejection> {
                Ok($wrapper($crate::validation::from_params(
                    cx.$params(),
                    argument.name(),
                    argument.constraints(),
                )?))
            }
        }
    };
}
pub(crate) use from_params;

mod body;
pub(crate) mod context;
mod cookie;
mod form;
mod form_body;
mod header;
mod json;
mod outbound;
mod path;
mod query;
mod request;
mod state;
mod upload;

use std::fmt;
use std::future::Future;

use crate::error::HttpError;
use crate::response::{IntoResponse, Response};
use crate::validation::{Constraints, ValidationErrors};

pub use self::context::{Request, RequestContext};
pub use self::cookie::Cookie;
pub use self::form::Form;
pub use self::header::Header;
pub use self::json::Json;
pub use self::path::Path;
pub use self::query::Query;
pub use self::state::State;
pub use self::upload::UploadFile;

/// Builds a value from a request: the trait behind every handler argument.
///
/// ```
/// use wafer::extract::{Argument, FromRequest, Rejection};
/// use wafer::{HttpError, RequestContext};
///
/// /// The caller, from an `x-user` header.
/// struct CurrentUser(String);
///
/// impl FromRequest for CurrentUser {
///     fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
///         cx.headers()
///             .get("x-user")
///             .and_then(|value| value.to_str().ok())
///             .map(|user| CurrentUser(user.to_owned()))
///             .ok_or_else(|| HttpError::unauthorized("Not authenticated").into())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor of a synchronous handler",
    note = "an extractor implements `FromRequest`; one that implements only `FromRequestAsync` needs an `async fn` handler"
)]
pub trait FromRequest: Sized {
    /// Extracts the value, or says why the request cannot be served.
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection>;
}

/// Builds a value from a request, awaiting on the way: a dependency that
/// calls another service, reads a store or waits for a timer. `async`
/// handlers take these; every [`FromRequest`] type is one too.
///
/// ```
/// use wafer::extract::{Argument, FromRequestAsync, Rejection};
/// use wafer::{get, HttpError, RequestContext};
///
/// /// The caller's plan, as a (here simulated) account service says.
/// struct Plan(&'static str);
///
/// impl FromRequestAsync for Plan {
///     async fn from_request_async(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
///         wafer::time::sleep(std::time::Duration::from_millis(1)).await;
///         match cx.headers().get("x-user") {
///             Some(_) => Ok(Plan("pro")),
///             None => Err(HttpError::unauthorized("Not authenticated").into()),
///         }
///     }
/// }
///
/// #[get("/plan")]
/// async fn plan(plan: Plan) -> &'static str {
///     plan.0
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor: implement `FromRequest` (or, for one that awaits, `FromRequestAsync`) for it"
)]
pub trait FromRequestAsync: Sized {
    /// Extracts the value, or says why the request cannot be served.
    fn from_request_async(
        cx: &RequestContext<'_>,
        argument: &Argument,
    ) -> impl Future<Output = Result<Self, Rejection>>;
}

impl<T: FromRequest> FromRequestAsync for T {
    async fn from_request_async(
        cx: &RequestContext<'_>,
        argument: &Argument,
    ) -> Result<Self, Rejection> {
        T::from_request(cx, argument)
    }
}

/// The handler argument being extracted.
///
/// Its name lets `item_id: Path<u32>` read the path parameter `item_id`, and
/// `user_agent: Header<String>` the header `user-agent`, as FastAPI reads
/// parameters by name. Arguments written as patterns (`Path(id): Path<u32>`)
/// have no name.
///
/// Its constraints come from a `#[field(...)]` attribute on the argument
/// (`#[field(ge = 1)] item_id: Path<i64>`), which the route macro checks and
/// writes as a `static` [`Constraints`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Argument {
    name: Option<&'static str>,
    constraints: Option<&'static Constraints>,
    scopes: &'static [&'static str],
}

impl Argument {
    /// An argument with a name.
    pub const fn named(name: &'static str) -> Self {
        Argument {
            name: Some(name),
            constraints: None,
            scopes: &[],
        }
    }

    /// An argument without a name.
    pub const fn unnamed() -> Self {
        Argument {
            name: None,
            constraints: None,
            scopes: &[],
        }
    }

    /// The same argument with constraints on its value.
    pub const fn with_constraints(self, constraints: &'static Constraints) -> Self {
        Argument {
            constraints: Some(constraints),
            ..self
        }
    }

    /// The same argument requiring these OAuth2 scopes, from a
    /// `#[scopes("items:write")]` attribute on it.
    pub const fn with_scopes(self, scopes: &'static [&'static str]) -> Self {
        Argument { scopes, ..self }
    }

    /// The scopes the argument requires (for [`Identity`](crate::security::Identity)).
    pub fn scopes(&self) -> &'static [&'static str] {
        self.scopes
    }

    /// The argument's name, if it has one.
    pub fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// The argument's constraints, if it has any.
    pub fn constraints(&self) -> Option<&'static Constraints> {
        self.constraints
    }
}

/// An extractor whose value is validated, so that `#[field(...)]`
/// constraints on the argument apply to it: `Value` is the type they
/// constrain (`i64` for `Path<i64>`).
#[diagnostic::on_unimplemented(
    message = "`#[field(...)]` constrains `Path`, `Query`, `Header`, `Cookie`, `Json` and `Form` arguments, not `{Self}`",
    label = "this extractor's value is not validated"
)]
pub trait Validated {
    /// The value the constraints apply to.
    type Value: ?Sized;
}

impl<T> Validated for Path<T> {
    type Value = T;
}

impl<T> Validated for Query<T> {
    type Value = T;
}

impl<T> Validated for Header<T> {
    type Value = T;
}

impl<T> Validated for Cookie<T> {
    type Value = T;
}

impl<T> Validated for Form<T> {
    type Value = T;
}

impl<T> Validated for Json<T> {
    type Value = T;
}

/// Why an extractor could not produce its value: invalid input (merged with
/// the other arguments' errors into one 422 response), or a response that ends
/// the request at once (an [`HttpError`], say). Made with `?` or `.into()`
/// from either.
#[derive(Debug)]
pub struct Rejection(Box<RejectionKind>);

#[derive(Debug)]
pub(crate) enum RejectionKind {
    Invalid(ValidationErrors),
    Respond(Response),
}

impl Rejection {
    pub(crate) fn into_kind(self) -> RejectionKind {
        *self.0
    }

    /// A 500 whose reason is logged, never shown to the client.
    pub(crate) fn internal(reason: fmt::Arguments<'_>) -> Self {
        crate::log::error(reason);
        HttpError::from_status(http::StatusCode::INTERNAL_SERVER_ERROR).into()
    }
}

impl From<ValidationErrors> for Rejection {
    fn from(errors: ValidationErrors) -> Self {
        Rejection(Box::new(RejectionKind::Invalid(errors)))
    }
}

impl From<HttpError> for Rejection {
    fn from(error: HttpError) -> Self {
        error.into_response().into()
    }
}

impl From<Response> for Rejection {
    fn from(response: Response) -> Self {
        Rejection(Box::new(RejectionKind::Respond(response)))
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self.into_kind() {
            RejectionKind::Invalid(errors) => errors.into_response(),
            RejectionKind::Respond(response) => response,
        }
    }
}
