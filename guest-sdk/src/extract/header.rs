//! [`Header`]: typed request headers.

/// Request headers, converted and validated, read the way FastAPI's `Header()`
/// reads them: names are case-insensitive and `_` in a Rust name stands for `-`.
///
/// `T` is one value, read from the header named like the argument
/// (`user_agent` reads `user-agent`), or a struct whose fields are headers. For
/// all headers as they came, take `http::HeaderMap`.
///
/// ```
/// use wafer::{get, Header};
/// use serde::Deserialize;
///
/// #[get("/whoami")]
/// fn whoami(user_agent: Header<Option<String>>, x_count: Header<u8>) -> String {
///     format!("{:?} {}", user_agent.0, x_count.0)
/// }
///
/// #[derive(Deserialize)]
/// struct Tracing { x_request_id: String, x_b3_sampled: Option<bool> }
///
/// #[get("/traced")]
/// fn traced(Header(tracing): Header<Tracing>) -> String {
///     tracing.x_request_id
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header<T>(pub T);

crate::extract::from_params!(Header, header_params);

crate::extract::deref_to_inner!(Header);
