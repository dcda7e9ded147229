//! [`App`]: the routes, state and settings of one component.

use std::any::{Any, TypeId};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use futures::FutureExt as _;
use http::header::{ALLOW, HeaderValue};
use http::{Method, StatusCode};

use crate::client::Transport;
use crate::error::HttpError;
use crate::extract::context::{Override, Request, RequestContext, Shared};
use crate::openapi::{self, ApiInfo};
use crate::response::{IntoResponse, Redirect, Response};
use crate::route::{Handled, IntoRoutes, Route};
use crate::validation::ParamSet;
use wafer_contract::path::{Match, Router};

/// The largest request body an app accepts unless it sets another limit: 1 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;

/// A web app: its routes, shared state and settings.
///
/// Build it once, export it with [`export!`](crate::export) to make a
/// component, and test it with [`TestClient`](crate::testing::TestClient).
///
/// ```
/// use wafer::{get, App, Json};
/// use serde_json::{json, Value};
///
/// /// Say hello.
/// #[get("/hello")]
/// fn hello() -> Json<Value> {
///     Json(json!({"message": "hello"}))
/// }
///
/// let app = App::new().title("Greeter").version("1.0.0").routes(wafer::routes![hello]);
/// ```
///
/// # Panics
///
/// Registering a route whose path template is invalid, or a method and path
/// twice, panics with a message naming the route: that is a mistake in the
/// app's code, best found by its first test.
pub struct App {
    /// The routes, matched as the Wafer host's gate matches operations.
    router: Router<Box<dyn Route>>,
    shared: Shared,
    max_body_size: usize,
    info: ApiInfo,
    openapi_path: Option<String>,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// An app with no routes.
    pub fn new() -> Self {
        App {
            router: Router::new(),
            shared: Shared::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            info: ApiInfo::default(),
            openapi_path: None,
        }
    }

    /// Adds a route made by `#[get]`, `#[post]`, ...
    pub fn route(mut self, route: impl Route + 'static) -> Self {
        self.add(Box::new(route));
        self
    }

    /// Adds several routes: `App::new().routes(routes![list_items, read_item, create_item])`, see [`routes!`](crate::routes).
    pub fn routes(mut self, routes: impl IntoRoutes) -> Self {
        for route in routes.into_routes() {
            self.add(route);
        }
        self
    }

    fn add(&mut self, route: Box<dyn Route>) {
        let info = route.info();
        if let Err(error) = self.router.add(info.method, info.path, route) {
            panic!("cannot add route `{}`: {error}", info.name);
        }
    }

    /// Registers a value that handlers receive with [`State<T>`](crate::State),
    /// one per type.
    pub fn state<T: 'static>(mut self, value: T) -> Self {
        self.shared
            .state
            .insert(TypeId::of::<T>(), Box::new(value) as Box<dyn Any>);
        self
    }

    /// The largest request body accepted, in bytes; larger ones are answered
    /// with 413. Default: [`DEFAULT_MAX_BODY_SIZE`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The largest request body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body_size
    }

    /// The API's title in its OpenAPI document.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = title.into();
        self
    }

    /// The API's version in its OpenAPI document.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.info.version = version.into();
        self
    }

    /// The API's description in its OpenAPI document.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.info.description = Some(description.into());
        self
    }

    /// Also serves the OpenAPI document over HTTP at `path` (for example
    /// `/openapi.json`). Off by default: the Wafer host reads the document
    /// through the component's `wafer:app/metadata` export instead, but hosts
    /// that know nothing of Wafer never call that.
    pub fn serve_openapi(mut self, path: impl Into<String>) -> Self {
        self.openapi_path = Some(path.into());
        self
    }

    /// The app's OpenAPI 3.1 document.
    pub fn openapi(&self) -> serde_json::Value {
        openapi::document(
            &self.info,
            self.router.routes().map(|(_, _, route)| route.info()),
        )
    }

    /// The app's OpenAPI 3.1 document as JSON text.
    pub fn openapi_json(&self) -> String {
        self.openapi().to_string()
    }

    /// Where the app's stores are opened, if not by the host.
    pub(crate) fn stores(&self) -> Option<Rc<dyn crate::kv::Opener>> {
        self.shared.stores.clone()
    }

    pub(crate) fn override_config(&mut self, config: Vec<(String, String)>) {
        self.shared.config = Some(config);
    }

    pub(crate) fn override_transport(&mut self, transport: Rc<dyn Transport>) {
        self.shared.transport = Some(transport);
    }

    pub(crate) fn override_dependency(&mut self, type_id: TypeId, replacement: Override) {
        self.shared.overrides.insert(type_id, replacement);
    }

    /// Answers one request: routing, extraction, the handler (awaited, if it
    /// is `async`), and every error response on the way. A handler that
    /// panics gives a 500 (where the target can unwind; on `wasm32` the export
    /// layer answers instead). `HEAD` is answered as `GET` where no route has
    /// `HEAD` itself; the HTTP server in front (the host's) sends only the
    /// head. The response carries the handler's background tasks, for the
    /// layer that sends it to run once it is sent.
    pub(crate) async fn respond(&self, request: Request) -> Response {
        let (route, path_params) = match self.find(&request) {
            Found::Route(route, path_params) => (route, path_params),
            Found::Answer(response) => return response.finish(),
        };
        let cx = RequestContext::new(&request, path_params, &self.shared);
        let internal_error =
            |_| HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR).into_response();
        let mut response = match panic::catch_unwind(AssertUnwindSafe(|| route.call(&cx))) {
            Ok(Handled::Ready(response)) => response,
            Ok(Handled::Pending(future)) => AssertUnwindSafe(future)
                .catch_unwind()
                .await
                .unwrap_or_else(internal_error),
            Err(panic) => internal_error(panic),
        };
        let background = cx.take_background();
        if response.status().as_u16() < 400 {
            response.set_background(background);
        } else if !background.is_empty() {
            crate::log::note(format_args!(
                "{} background task(s) dropped: the handler answered {}",
                background.len(),
                response.status()
            ));
        }
        response.finish()
    }

    /// Answers one request: routing, extraction, the handler (awaited, if it
    /// is `async`, and a streamed body collected), and every error response on
    /// the way; the handler's background tasks run before it returns. It
    /// blocks: never call it from inside a handler.
    pub fn handle(&self, request: Request) -> Response {
        crate::runtime::block_on(async {
            let mut response = self.respond(request).await;
            let tasks = response.take_background();
            let response = response.collected().await;
            crate::background::run(tasks).await;
            response
        })
    }

    /// The route that answers `request`, with the path parameters it matched,
    /// or the response for a request no route answers.
    fn find(&self, request: &Request) -> Found<'_> {
        if request.body().len() > self.max_body_size {
            return Found::Answer(
                HttpError::from_status(StatusCode::PAYLOAD_TOO_LARGE).into_response(),
            );
        }
        let path = request.uri().path();
        if request.method() == Method::GET && self.openapi_path.as_deref() == Some(path) {
            return Found::Answer(
                Response::new(self.openapi_json())
                    .with_header(http::header::CONTENT_TYPE, "application/json"),
            );
        }
        match self.router.find(request.method(), path) {
            Match::Found { route, params } => {
                let mut path_params = ParamSet::new("path");
                for (name, value) in params {
                    path_params.push(name, value);
                }
                Found::Route(route.as_ref(), path_params)
            }
            Match::MethodNotAllowed { allowed } => {
                let allow: Vec<&str> = allowed.iter().map(|(method, _)| method.as_str()).collect();
                let mut response =
                    HttpError::from_status(StatusCode::METHOD_NOT_ALLOWED).into_response();
                if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
                    response.headers_mut().insert(ALLOW, value);
                }
                Found::Answer(response)
            }
            Match::RedirectSlash { path } => Found::Answer(redirect_slash(request, &path)),
            Match::NotFound => {
                Found::Answer(HttpError::from_status(StatusCode::NOT_FOUND).into_response())
            }
        }
    }
}

/// FastAPI's answer to a request for a path no route matches but for its
/// trailing slash: `307` to the other spelling (the scheme is the host's, an
/// `http::uri::Scheme` extension).
fn redirect_slash(request: &Request, path: &str) -> Response {
    let location = wafer_contract::redirect::slash_location(
        request.extensions().get(),
        request.headers(),
        path,
        request.uri().query(),
    );
    // Already quoted; quoting again changes nothing.
    Redirect::temporary(&location).into_response()
}

/// Where a request goes: to a route, or straight to an answer.
enum Found<'a> {
    Route(&'a dyn Route, ParamSet),
    Answer(Response),
}
