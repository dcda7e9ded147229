//! Support for the code the macros generate. Not a public API.

use http::StatusCode;

use crate::context::RequestContext;
use crate::extract::{Argument, FromRequest, RejectionKind};
use crate::response::{IntoResponse, Response};
use crate::validation::ValidationErrors;

pub use http;
pub use serde;
pub use utoipa::ToSchema;

/// Brought into scope by `#[wafer::model]` so that utoipa's derive finds the
/// `utoipa` crate even where the app does not depend on it.
pub mod schema_scope {
    pub use utoipa;
}
pub use crate::validation::constrained;

/// What the `export!` macro expands to on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub mod wasm {
    pub use crate::wasm::{bindings, handle, wasip2, with_app};
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
    pub fn extract<T: FromRequest + 'static>(
        &mut self,
        name: Option<&'static str>,
        constraints: Option<&'static str>,
    ) -> Option<T> {
        if self.stop.is_some() {
            return None;
        }
        let argument = name.map_or(Argument::unnamed(), Argument::named);
        let argument = match constraints {
            Some(constraints) => argument.with_constraints(constraints),
            None => argument,
        };
        match self.cx.extract_argument::<T>(&argument) {
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
