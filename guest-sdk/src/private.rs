//! Support for the code the macros generate. Not a public API.

use http::StatusCode;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::HttpError;
use crate::extract::Json;
use crate::extract::context::RequestContext;
use crate::extract::{Argument, FromRequest, FromRequestAsync, RejectionKind};
use crate::response::{IntoResponse, Response};
use crate::validation::ValidationErrors;

pub use http;
pub use serde;
pub use utoipa::__dev::ComposeSchema;
pub use utoipa::openapi::{RefOr, Schema};
pub use utoipa::{PartialSchema, ToSchema};

pub use crate::openapi::literal::schema as literal_schema;
pub use crate::openapi::union::schema as union_schema;

/// What `#[wafer::union]` implements a union with.
pub mod union {
    pub use crate::validation::union::{Union, UnionTags, deserialize, tags_of};
}

/// Brought into scope by `#[wafer::model]` so that utoipa's derive finds the
/// `utoipa` crate even where the app does not depend on it.
pub mod schema_scope {
    pub use utoipa;
}
pub use crate::validation::constrained;
pub use crate::validation::validated;

/// `T`'s schema with `constraints` added: what the model macro describes a
/// field with when utoipa's `#[schema(...)]` options cannot say it all
/// (`items(...)`).
pub fn constrained_schema<T: utoipa::PartialSchema + ?Sized>(
    constraints: &'static crate::validation::Constraints,
    description: Option<&str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    let schema = serde_json::to_value(T::schema()).unwrap_or_default();
    let mut constrained = crate::openapi::constrain(schema, constraints);
    if let (Some(description), Some(object)) = (description, constrained.as_object_mut()) {
        object.insert("description".to_owned(), description.into());
    }
    // The keywords added are all ones utoipa's `Schema` has, so it reads
    // back; were it ever not to, the unconstrained schema is still right.
    serde_json::from_value(constrained).unwrap_or_else(|_| T::schema())
}

/// What the macros check `#[field(...)]` constraints with at compile time
/// (see [`validation::Number`](crate::validation::Number) and its siblings).
pub mod constraint_checks {
    pub use crate::extract::Validated;
    pub use crate::validation::applies::{digits, has_length, list, number, text};
}

/// What the route macros put in place of an `impl Trait` in a return type
/// they describe: `Sse<impl Stream<Item = Event>>` is documented as
/// `Sse<Opaque>`, which says the same.
pub struct Opaque;

/// What the `export!` macro expands to on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub mod wasm {
    pub use crate::wasm::{bindings, handle, initialize, wasip2, with_app};
}

/// Runs a handler's extractors one by one, collecting validation errors so that
/// they are all reported together.
pub struct Arguments<'c, 'r> {
    cx: &'c RequestContext<'r>,
    errors: ValidationErrors,
    stop: Option<Response>,
}

impl<'c, 'r> Arguments<'c, 'r> {
    /// Starts extracting for one request.
    pub fn new(cx: &'c RequestContext<'r>) -> Self {
        Arguments {
            cx,
            errors: ValidationErrors::new(),
            stop: None,
        }
    }

    /// Extracts one argument; `None` if it failed (the reason is kept).
    pub fn extract<T: FromRequest + 'static>(&mut self, argument: &Argument) -> Option<T> {
        if self.stop.is_some() {
            return None;
        }
        let outcome = self.cx.extract_argument::<T>(argument);
        self.keep(outcome)
    }

    /// [`Arguments::extract`] for an `async` handler's argument.
    pub async fn extract_async<T: FromRequestAsync + 'static>(
        &mut self,
        argument: &Argument,
    ) -> Option<T> {
        if self.stop.is_some() {
            return None;
        }
        let outcome = self.cx.extract_argument_async::<T>(argument).await;
        self.keep(outcome)
    }

    fn keep<T>(&mut self, outcome: Result<T, crate::extract::Rejection>) -> Option<T> {
        match outcome {
            Ok(value) => Some(value),
            Err(rejection) => {
                match rejection.into_kind() {
                    RejectionKind::Invalid(errors) => self.errors.extend(errors),
                    RejectionKind::Respond(response) => self.stop = Some(response),
                }
                None
            }
        }
    }

    /// The response for a request whose arguments could not all be extracted.
    pub fn rejection(self) -> Response {
        match self.stop {
            Some(response) => response,
            None => self.errors.into_response(),
        }
    }
}

/// Converts a handler's return value, applying the route's declared status.
pub fn respond(value: impl IntoResponse, status: Option<u16>) -> Response {
    let response = value.into_response();
    match status.and_then(|status| StatusCode::from_u16(status).ok()) {
        Some(status) => response.with_default_status(status),
        None => response,
    }
}

/// Serializes a handler's return value through its `response_model`, as
/// FastAPI does: fields the model lacks are dropped, and a value the model
/// rejects is a 500 (logged), never sent.
pub fn respond_model<M, T>(value: T, status: Option<u16>) -> Response
where
    M: DeserializeOwned + Serialize,
    T: Serialize,
{
    match crate::validation::through_model::<M, T>(&value) {
        Ok(model) => respond(Json(model), status),
        Err(reason) => {
            crate::log::error(format_args!(
                "the response does not match its response_model {}: {reason}",
                std::any::type_name::<M>()
            ));
            HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response()
        }
    }
}

/// [`respond_model`] for handlers that return `Result`: errors are answered as
/// they are.
pub fn respond_model_result<M, T, E>(value: Result<T, E>, status: Option<u16>) -> Response
where
    M: DeserializeOwned + Serialize,
    T: Serialize,
    E: IntoResponse,
{
    match value {
        Ok(value) => respond_model::<M, T>(value, status),
        Err(error) => error.into_response(),
    }
}
