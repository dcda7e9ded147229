//! [`Redirect`]: answers that send the client elsewhere.

use http::StatusCode;
use http::header::LOCATION;

use super::{IntoResponse, Response};

/// A redirect, as Starlette's `RedirectResponse` answers it: the status, a
/// `Location` header and an empty body.
///
/// ```
/// use wafer::{get, Redirect};
///
/// #[get("/old")]
/// fn old() -> Redirect {
///     Redirect::permanent("/catalog/")
/// }
/// ```
///
/// The location is percent-encoded as Starlette encodes it (Python's
/// `quote` with the characters a URL keeps: `:/%#?=@[]!$&'()*+,;`), so a
/// location with spaces or non-ASCII characters is sent as a valid header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    status: StatusCode,
    location: String,
}

impl Redirect {
    /// `307 Temporary Redirect` (Starlette's default): the client repeats
    /// the same request, method and body, at `location`.
    pub fn temporary(location: &str) -> Redirect {
        Redirect::with_status(StatusCode::TEMPORARY_REDIRECT, location)
    }

    /// `308 Permanent Redirect`: as [`temporary`](Redirect::temporary), for
    /// good.
    pub fn permanent(location: &str) -> Redirect {
        Redirect::with_status(StatusCode::PERMANENT_REDIRECT, location)
    }

    /// `303 See Other`: the client fetches `location` with `GET` (after a
    /// form was posted, say).
    pub fn see_other(location: &str) -> Redirect {
        Redirect::with_status(StatusCode::SEE_OTHER, location)
    }

    /// A redirect with another 3xx status (`301`, `302`).
    pub fn with_status(status: StatusCode, location: &str) -> Redirect {
        Redirect {
            status,
            location: wafer_contract::redirect::quote(location),
        }
    }

    /// The `Location` header's value, encoded.
    pub fn location(&self) -> &str {
        &self.location
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        Response::empty(self.status).with_header(LOCATION, self.location)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_is_its_status_and_encoded_location() {
        assert_eq!(
            Redirect::temporary("/a b/ü?x=1").location(),
            "/a%20b/%C3%BC?x=1"
        );
        let response = Redirect::permanent("/new").into_response();
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers()[LOCATION], "/new");
        assert!(response.body().is_empty());
    }
}
