//! The extractors of the SDK's I/O: [`Client`] and [`BackgroundTasks`].

use super::{Argument, FromRequest, Rejection};
use crate::background::BackgroundTasks;
use crate::client::{Client, ClientError};
use crate::error::HttpError;
use crate::extract::context::RequestContext;
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
