//! The thin layer between `wasi:http` and the app, compiled only for `wasm32`.
//!
//! Everything above this module is plain Rust; this is where the app meets
//! WASI: it turns the host's `incoming-request` into an `http::Request`
//! ([`request`]), lets the [`App`] answer it, and writes the response back
//! ([`response`]). The [`export!`](crate::export) macro wires it to the
//! component's exports. (The executor's reactor and the HTTP client's
//! transport are the other two places that call WASI.)

use std::cell::{OnceCell, RefCell};
use std::sync::Once;

use http::StatusCode;
use wasip2::http::types::{IncomingRequest, ResponseOutparam};

use crate::app::App;
use crate::error::HttpError;
use crate::response::IntoResponse;

mod request;
mod response;

pub use wasip2;

/// Bindings for Wafer's own `wafer:app` exports, from `wit/`.
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/wafer",
        world: "wafer:app/component",
        pub_export_macro: true,
        export_macro_name: "__wafer_export_metadata",
        default_bindings_module: "wafer::__private::wasm::bindings",
    });
}

thread_local! {
    /// The app, built on first use and kept for the life of the instance.
    static APP: OnceCell<App> = const { OnceCell::new() };
    /// Where the response of the request in progress goes, kept here so that the
    /// panic hook can still answer if the handler panics.
    static PENDING: RefCell<Option<ResponseOutparam>> = const { RefCell::new(None) };
}

/// `wizer-initialize`: builds the app, so that a host that snapshots the
/// instance afterwards starts every instance with it built.
pub fn initialize(build: fn() -> App) {
    with_app(build, |_| ());
}

/// Runs `f` with the instance's app, building it with `build` the first time.
pub fn with_app<R>(build: fn() -> App, f: impl FnOnce(&App) -> R) -> R {
    APP.with(|app| f(app.get_or_init(build)))
}

/// `wasi:http/incoming-handler.handle`.
pub fn handle(build: fn() -> App, request: IncomingRequest, response_out: ResponseOutparam) {
    install_panic_hook();
    PENDING.with(|pending| *pending.borrow_mut() = Some(response_out));
    with_app(build, |app| {
        let mut response = match request::read(&request, app.body_limit()) {
            Ok(request) => crate::runtime::block_on(app.respond(request)),
            Err(response) => response.finish(),
        };
        let background = response.take_background();
        if let Some(response_out) = PENDING.with(|pending| pending.borrow_mut().take()) {
            response::send(response_out, response);
        }
        // After the body is finished: the client has its whole answer.
        if !background.is_empty() {
            crate::runtime::block_on(crate::background::run(background));
        }
    });
}

/// On `wasm32` a panic aborts the instance; before it does, answer the request
/// with a 500 if nothing was sent yet. The host handles the trap that follows.
fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info);
            if let Some(response_out) =
                PENDING.with(|pending| pending.try_borrow_mut().ok()?.take())
            {
                let error = HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR);
                response::send(response_out, error.into_response().finish());
            }
        }));
    });
}
