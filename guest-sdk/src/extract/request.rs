//! Parts of the request as they came: method, URI and all headers.

use http::{HeaderMap, Method, Uri};

use super::{Argument, FromRequest, Rejection};
use crate::extract::context::RequestContext;

/// The request method.
impl FromRequest for Method {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(cx.method().clone())
    }
}

/// The request URI (path and query, as sent).
impl FromRequest for Uri {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(cx.uri().clone())
    }
}

/// All request headers.
impl FromRequest for HeaderMap {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(cx.headers().clone())
    }
}
