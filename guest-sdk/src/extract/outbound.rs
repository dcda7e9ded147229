//! The extractors of the SDK's I/O: [`Client`], [`BackgroundTasks`], and the
//! key-value [`Store`] and [`Stores`].

use super::{Argument, FromRequest, Rejection};
use crate::background::BackgroundTasks;
use crate::client::{Client, ClientError};
use crate::error::HttpError;
use crate::extract::context::RequestContext;
use crate::kv::{DEFAULT_STORE, Store, StoreError, Stores};
use wafer_contract::identity::REQUEST_ID_HEADER;

/// A client that sends through the host (or a test's transport) and passes
/// the request's `x-request-id` on.
impl FromRequest for Client {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(Client::with(
            cx.transport(),
            cx.headers().get(REQUEST_ID_HEADER).cloned(),
        ))
    }
}

/// The request's background tasks.
impl FromRequest for BackgroundTasks {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(cx.background().clone())
    }
}

/// A failed outbound request ends extraction as the gateway answer it is.
impl From<ClientError> for Rejection {
    fn from(error: ClientError) -> Self {
        HttpError::from(error).into()
    }
}

/// The store `default`, opened; a component not granted it gets a 500
/// (logged: "grant it in the manifest").
impl FromRequest for Store {
    fn from_request(cx: &RequestContext<'_>, argument: &Argument) -> Result<Self, Rejection> {
        Ok(Stores::from_request(cx, argument)?.open(DEFAULT_STORE)?)
    }
}

/// Opens stores by name: a test's, or the host's `wasi:keyvalue` (only
/// here, so that only components that open stores import it).
impl FromRequest for Stores {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        #[cfg(target_arch = "wasm32")]
        let opener = cx.stores().unwrap_or_else(crate::kv::host_opener);
        #[cfg(not(target_arch = "wasm32"))]
        let opener = cx.stores().ok_or_else(|| {
            Rejection::internal(format_args!("no key-value stores outside a component"))
        })?;
        Ok(Stores::new(opener))
    }
}

/// A store that fails ends extraction with the answer it gives.
impl From<StoreError> for Rejection {
    fn from(error: StoreError) -> Self {
        HttpError::from(error).into()
    }
}
