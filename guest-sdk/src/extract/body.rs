//! The raw body: `Vec<u8>` and `String`.

use super::{Argument, FromRequest, Rejection};
use crate::error::HttpError;
use crate::extract::context::RequestContext;

/// The body's bytes, whatever the content type.
impl FromRequest for Vec<u8> {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        Ok(cx.body().to_vec())
    }
}

/// The body as text; a body that is not UTF-8 is a 400.
impl FromRequest for String {
    fn from_request(cx: &RequestContext<'_>, _: &Argument) -> Result<Self, Rejection> {
        String::from_utf8(cx.body().to_vec())
            .map_err(|_| HttpError::bad_request("Request body is not valid UTF-8").into())
    }
}
