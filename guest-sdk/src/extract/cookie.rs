//! [`Cookie`]: typed request cookies.

/// Request cookies, converted and validated, read the way FastAPI's
/// `Cookie()` reads them: by exact name, the last one sent when a name
/// comes twice.
///
/// `T` is one value, read from the cookie named like the argument, or a
/// struct whose fields are cookies. A missing cookie is `missing` (422)
/// unless `T` is an `Option`.
///
/// ```
/// use wafer::{get, Cookie, HttpError};
///
/// #[get("/me")]
/// fn me(session: Cookie<Option<String>>) -> Result<String, HttpError> {
///     session.0.ok_or_else(|| HttpError::unauthorized("Not logged in"))
/// }
/// ```
///
/// The cookie header is read as the host's gate reads it for API keys in
/// cookies (see `wafer_contract::cookie`): both sides see the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cookie<T>(pub T);

crate::extract::from_params!(Cookie, cookie_params);

crate::extract::deref_to_inner!(Cookie);
