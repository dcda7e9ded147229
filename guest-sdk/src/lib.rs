//! # Wafer: FastAPI for WebAssembly components
//!
//! Write typed HTTP handlers; compile them to a WASI 0.2 component with
//! `cargo build --target wasm32-wasip2`; run the `.wasm` on the Wafer host,
//! on Spin, or under `wasmtime serve`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use serde_json::{json, Value};
//! use wafer::{get, post, App, Json, Path, Query};
//!
//! #[derive(Deserialize, Serialize)]
//! struct Item {
//!     name: String,
//!     price: f64,
//!     #[serde(default)]
//!     tags: Vec<String>,
//! }
//!
//! /// Read one item.
//! #[get("/items/{item_id}")]
//! fn read_item(item_id: Path<u32>, q: Query<Option<String>>) -> Json<Value> {
//!     Json(json!({"id": *item_id, "q": *q}))
//! }
//!
//! /// Create an item.
//! #[post("/items", status = 201)]
//! fn create_item(Json(item): Json<Item>) -> Json<Item> {
//!     Json(item)
//! }
//!
//! fn app() -> App {
//!     App::new().routes(wafer::routes![read_item, create_item])
//! }
//!
//! // Exports `wasi:http/incoming-handler` and `wafer:app/metadata`.
//! wafer::export!(app());
//! ```
//!
//! Invalid input is answered exactly as FastAPI answers it, for example
//! `GET /items/abc` gives 422 with
//! `{"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}`.
//!
//! ## How it fits together
//!
//! - [`macro@get`], [`macro@post`], ... turn a function into a [`Route`]; its
//!   arguments are [extractors](extract) and its return value anything that
//!   implements [`IntoResponse`].
//! - [`App`] holds the routes; [`App::handle`] answers an `http::Request`.
//! - [`validation`] gives serde types Pydantic's conversions and FastAPI's 422
//!   body.
//! - Handlers may be `async fn`: [`Client`] calls other services,
//!   [`time`] waits, [`join!`] runs several at once; [`Sse`], [`Ndjson`] and
//!   [`StreamBody`] stream a response; [`BackgroundTasks`] runs work after it.
//! - [`testing::TestClient`] calls an app natively in `cargo test`, streams
//!   and outbound calls included.
//! - [`export!`] makes the app a component. Only that layer, the executor's
//!   reactor and the client's transport touch WASI.

// Functions read top to bottom: none is longer than clippy.toml allows.
#![warn(clippy::too_many_lines)]

mod app;
mod background;
pub mod client;
pub mod config;
mod error;
pub mod extract;
pub mod kv;
mod log;
pub mod openapi;
mod response;
mod route;
mod runtime;
pub mod security;
pub mod testing;
pub mod time;
pub mod types;
pub mod validation;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use app::{App, DEFAULT_MAX_BODY_SIZE};
pub use background::{BackgroundTasks, TaskOutcome};
pub use client::Client;
pub use error::HttpError;
pub use extract::{
    Cookie, Form, FromRequest, FromRequestAsync, Header, Json, Path, Query, State, UploadFile,
};
pub use extract::{Request, RequestContext};
pub use kv::Store;
pub use openapi::RouteInfo;
pub use response::{
    Body, BodyError, CookieError, Event, IntoResponse, Ndjson, Redirect, Response, SameSite,
    SetCookie, Sse, StreamBody,
};
pub use route::{Handled, IntoRoutes, Route};
pub use wafer_macros::{delete, get, head, literal, model, options, patch, post, put, union};

/// Awaits several futures at once, inside an `async` handler:
/// `let (a, b) = wafer::join!(first, second);`. From `futures`.
pub use futures::join;
/// [`join!`] for futures of `Result`s: the first error ends it. From `futures`.
pub use futures::try_join;

/// Futures and streams: what `async` handlers combine (from `futures`).
pub mod future {
    pub use futures::future::{Either, join_all, select, try_join_all};
    pub use futures::stream::{self, Stream, StreamExt};
}

/// The `http` crate, whose `StatusCode`, `Method`, `HeaderMap` and `Uri`
/// handlers use.
pub use http;

/// The routes made by `#[get]`, `#[post]`, ... from these handler functions,
/// for [`App::routes`].
///
/// ```
/// use wafer::{get, routes, App};
///
/// #[get("/a")]
/// fn a() -> &'static str { "a" }
///
/// #[get("/b")]
/// fn b() -> &'static str { "b" }
///
/// let app = App::new().routes(routes![a, b]);
/// assert_eq!(a(), "a"); // the handlers are still plain functions
/// ```
#[macro_export]
macro_rules! routes {
    ($($($segment:ident)::+),* $(,)?) => {
        ($($($segment)::+ {},)*)
    };
}

/// Makes an [`App`] the component's implementation of `wasi:http/incoming-handler`
/// and `wafer:app/metadata`.
///
/// The expression is evaluated once per component instance, on its first
/// request, or ahead of it: the component also exports `wizer-initialize`,
/// which builds the app, so that a host that pre-initializes components
/// (Wafer with `pre_initialize = true`) snapshots the instance with the app
/// built and every instance starts from there.
///
/// Use it once, at the root of a `cdylib` crate built for
/// `wasm32-wasip2`. On other targets it only type-checks the expression, so
/// the same crate also builds natively for tests.
///
/// ```
/// # use wafer::App;
/// wafer::export!(App::new());
/// ```
#[macro_export]
macro_rules! export {
    ($app:expr) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct WaferComponent;

            fn build_app() -> $crate::App {
                $app
            }

            impl $crate::__private::wasm::wasip2::exports::http::incoming_handler::Guest
                for WaferComponent
            {
                fn handle(
                    request: $crate::__private::wasm::wasip2::http::types::IncomingRequest,
                    response_out: $crate::__private::wasm::wasip2::http::types::ResponseOutparam,
                ) {
                    $crate::__private::wasm::handle(build_app, request, response_out)
                }
            }

            impl $crate::__private::wasm::bindings::exports::wafer::app::metadata::Guest
                for WaferComponent
            {
                fn openapi() -> ::std::string::String {
                    $crate::__private::wasm::with_app(build_app, |app| app.openapi_json())
                }
            }

            impl $crate::__private::wasm::bindings::Guest for WaferComponent {
                fn wizer_initialize() {
                    $crate::__private::wasm::initialize(build_app)
                }
            }

            $crate::__private::wasm::wasip2::http::proxy::export!(
                WaferComponent with_types_in $crate::__private::wasm::wasip2
            );
            $crate::__private::wasm::bindings::__wafer_export_metadata!(
                WaferComponent with_types_in $crate::__private::wasm::bindings
            );
        };

        #[cfg(not(target_arch = "wasm32"))]
        const _: fn() -> $crate::App = || $app;
    };
}
