//! [`RequestContext`]: what extractors read a request from.

use std::any::{Any, TypeId};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;

use http::{HeaderMap, Method, Uri};

use super::form_body::FormData;
use super::{Argument, FromRequest, FromRequestAsync, Rejection};
use crate::background::BackgroundTasks;
use crate::client::{Transport, default_transport};
use crate::error::HttpError;
use crate::kv::Opener;
use crate::validation::ParamSet;

/// A request as handlers receive it: `http::Request` with the whole body.
pub type Request = http::Request<Vec<u8>>;

/// An override of an extractor, registered by type (see
/// [`TestClient::override_dependency`](crate::testing::TestClient::override_dependency)).
pub(crate) type Override = Box<dyn Fn(&RequestContext<'_>) -> Result<Box<dyn Any>, Rejection>>;

/// App-wide values extractors can reach: state, dependency overrides, the
/// outbound transport a test put in place of the host's, and where stores
/// are opened (the host's `wasi:keyvalue`, or memory natively).
pub(crate) struct Shared {
    pub(crate) state: HashMap<TypeId, Box<dyn Any>>,
    pub(crate) overrides: HashMap<TypeId, Override>,
    pub(crate) transport: Option<Rc<dyn Transport>>,
    /// `None` in a component: the host's `wasi:keyvalue`, reached only from
    /// the store extractors, so that a component that opens no store does not
    /// import the interface (and still runs on hosts without it).
    pub(crate) stores: Option<Rc<dyn Opener>>,
    /// A test's config, in place of the host's `wasi:config`.
    pub(crate) config: Option<Vec<(String, String)>>,
}

impl Default for Shared {
    fn default() -> Self {
        #[cfg(target_arch = "wasm32")]
        let stores = None;
        #[cfg(not(target_arch = "wasm32"))]
        let stores: Option<Rc<dyn Opener>> = Some(Rc::new(crate::kv::MemoryStores::default()));
        Shared {
            state: HashMap::new(),
            overrides: HashMap::new(),
            transport: None,
            stores,
            config: None,
        }
    }
}

/// One request on its way to a handler: the request itself, the path
/// parameters the router matched, and the app's state.
///
/// Custom extractors (dependencies) receive it in
/// [`FromRequest::from_request`], and can run other extractors with
/// [`RequestContext::extract`].
pub struct RequestContext<'r> {
    request: &'r Request,
    path_params: ParamSet,
    query: OnceCell<ParamSet>,
    headers: OnceCell<ParamSet>,
    cookies: OnceCell<ParamSet>,
    form: OnceCell<Result<FormData, HttpError>>,
    shared: &'r Shared,
    /// Made on first use: most requests queue none.
    background: OnceCell<BackgroundTasks>,
}

impl<'r> RequestContext<'r> {
    pub(crate) fn new(request: &'r Request, path_params: ParamSet, shared: &'r Shared) -> Self {
        RequestContext {
            request,
            path_params,
            query: OnceCell::new(),
            headers: OnceCell::new(),
            cookies: OnceCell::new(),
            form: OnceCell::new(),
            shared,
            background: OnceCell::new(),
        }
    }

    /// The request's background tasks (see [`BackgroundTasks`]).
    pub fn background(&self) -> &BackgroundTasks {
        self.background.get_or_init(BackgroundTasks::default)
    }

    /// The tasks queued for after the response, leaving none.
    pub(crate) fn take_background(&self) -> Vec<crate::background::Task> {
        self.background
            .get()
            .map(BackgroundTasks::take)
            .unwrap_or_default()
    }

    /// The request.
    pub fn request(&self) -> &Request {
        self.request
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    /// The request URI, as the client sent it.
    pub fn uri(&self) -> &Uri {
        self.request.uri()
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// The request body.
    pub fn body(&self) -> &[u8] {
        self.request.body()
    }

    /// A registered state value (see [`App::state`](crate::App::state)).
    pub fn state<T: 'static>(&self) -> Option<&T> {
        self.shared
            .state
            .get(&TypeId::of::<T>())
            .and_then(|value| value.downcast_ref())
    }

    /// Runs another extractor, honouring dependency overrides: the way a
    /// dependency builds on other dependencies.
    ///
    /// ```
    /// use wafer::extract::{Argument, FromRequest, Rejection};
    /// use wafer::{HttpError, Query, RequestContext};
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Page { #[serde(default)] offset: u32, #[serde(default = "ten")] limit: u32 }
    /// fn ten() -> u32 { 10 }
    ///
    /// /// The page a list endpoint returns, from `?offset=&limit=`.
    /// struct Pagination { offset: u32, limit: u32 }
    ///
    /// impl FromRequest for Pagination {
    ///     fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
    ///         let Query(page) = cx.extract::<Query<Page>>()?;
    ///         if page.limit > 100 {
    ///             return Err(HttpError::bad_request("limit is at most 100").into());
    ///         }
    ///         Ok(Pagination { offset: page.offset, limit: page.limit })
    ///     }
    /// }
    /// ```
    pub fn extract<T: FromRequest + 'static>(&self) -> Result<T, Rejection> {
        self.extract_argument(&Argument::unnamed())
    }

    /// [`RequestContext::extract`] for an extractor that awaits (see
    /// [`FromRequestAsync`]): the way an async dependency builds on others.
    pub async fn extract_async<T: FromRequestAsync + 'static>(&self) -> Result<T, Rejection> {
        self.extract_argument_async(&Argument::unnamed()).await
    }

    /// [`RequestContext::extract_async`] for a named handler argument.
    pub(crate) async fn extract_argument_async<T: FromRequestAsync + 'static>(
        &self,
        argument: &Argument,
    ) -> Result<T, Rejection> {
        match self.overridden::<T>() {
            Some(value) => value,
            None => T::from_request_async(self, argument).await,
        }
    }

    /// The value of `T`'s dependency override, if a test registered one.
    fn overridden<T: 'static>(&self) -> Option<Result<T, Rejection>> {
        let replacement = self.shared.overrides.get(&TypeId::of::<T>())?;
        Some(replacement(self).and_then(|value| {
            value.downcast::<T>().map(|value| *value).map_err(|_| {
                Rejection::internal(format_args!(
                    "dependency override for {} returned another type",
                    std::any::type_name::<T>()
                ))
            })
        }))
    }

    /// [`RequestContext::extract`] for a named handler argument.
    pub(crate) fn extract_argument<T: FromRequest + 'static>(
        &self,
        argument: &Argument,
    ) -> Result<T, Rejection> {
        match self.overridden::<T>() {
            Some(value) => value,
            None => T::from_request(self, argument),
        }
    }

    /// A test's config, if it gave one.
    pub(crate) fn config(&self) -> Option<Vec<(String, String)>> {
        self.shared.config.clone()
    }

    /// Where stores are opened: a test's memory, or (`None`) the host.
    pub(crate) fn stores(&self) -> Option<Rc<dyn Opener>> {
        self.shared.stores.clone()
    }

    /// Where outbound requests go: the host, or a test's transport.
    pub(crate) fn transport(&self) -> Rc<dyn Transport> {
        self.shared
            .transport
            .clone()
            .unwrap_or_else(default_transport)
    }

    pub(crate) fn path_params(&self) -> &ParamSet {
        &self.path_params
    }

    pub(crate) fn query_params(&self) -> &ParamSet {
        self.query.get_or_init(|| {
            let mut params = ParamSet::new("query");
            if let Some(query) = self.request.uri().query() {
                for (name, value) in wafer_contract::query::pairs(query) {
                    params.push(name, value);
                }
            }
            params
        })
    }

    pub(crate) fn header_params(&self) -> &ParamSet {
        self.headers.get_or_init(|| {
            let mut params = ParamSet::headers();
            for (name, value) in self.request.headers() {
                params.push(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
            }
            params
        })
    }

    /// The cookies, read as the contract reads a `Cookie` header (the rules
    /// the host's gate also applies). A request may split its cookies over
    /// several headers (HTTP/2 does); they are read in order, as one.
    pub(crate) fn cookie_params(&self) -> &ParamSet {
        self.cookies.get_or_init(|| {
            let mut params = ParamSet::new("cookie");
            for header in self.request.headers().get_all(http::header::COOKIE) {
                let header = String::from_utf8_lossy(header.as_bytes());
                for (name, value) in wafer_contract::cookie::pairs(&header) {
                    params.push(name, value);
                }
            }
            params
        })
    }

    /// The fields and files of a form body (none if the body is not a
    /// form); a 400 for a multipart body that is not one.
    pub(crate) fn form(&self) -> Result<&FormData, HttpError> {
        self.form
            .get_or_init(|| super::form_body::read(self.request.headers(), self.request.body()))
            .as_ref()
            .map_err(Clone::clone)
    }
}
