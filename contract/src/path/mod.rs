//! Path templates and request paths: how both sides split, decode and match
//! a path.
//!
//! A request path is split on `/` after its one leading `/`, and each segment
//! is percent-decoded on its own (so `%2F` stays inside its segment). A
//! template is the same split of `/`-separated segments, each either literal
//! text or one `{parameter}`. A path matches a template when it has as many
//! segments, each literal segment equals the decoded path segment exactly
//! (case included), and each parameter segment is non-empty. Nothing else is
//! normalised: `//a`, `/a/`, `/a/./b`, `/A` and `/a;x` are paths of their own,
//! and match only templates written that way. Where no template matches a
//! path but one (of any method) matches it with its trailing slash toggled,
//! the answer is FastAPI's redirect there
//! ([`Match::RedirectSlash`]).
//!
//! When several templates match, literal segments win over parameters,
//! segment by segment from the left (`/items/me` over `/items/{id}`), among
//! the templates of the request's method; `HEAD` falls back to `GET`, as in
//! FastAPI. See [`Router`].
//!
//! ```
//! use wafer_contract::path::{Match, Router};
//! use http::Method;
//!
//! let mut router = Router::new();
//! router.add(Method::GET, "/items/{id}", "read").unwrap();
//! router.add(Method::GET, "/items/me", "mine").unwrap();
//!
//! let Match::Found { route, params } = router.find(&Method::GET, "/items/%C3%A9") else {
//!     panic!("no match");
//! };
//! assert_eq!((*route, params), ("read", vec![("id", "é".to_owned())]));
//! assert!(matches!(router.find(&Method::HEAD, "/items/me"), Match::Found { route: &"mine", .. }));
//! assert!(matches!(router.find(&Method::GET, "/items/"), Match::NotFound));
//! assert!(matches!(router.find(&Method::POST, "/items/1"), Match::MethodNotAllowed { .. }));
//! ```

mod router;
mod template;

use std::borrow::Cow;

pub use router::{Match, Router};
pub use template::{Template, TemplateError};

/// A request path as both sides read it: split on `/` after its leading `/`,
/// each segment percent-decoded on its own (invalid UTF-8 becomes U+FFFD).
///
/// ```
/// use wafer_contract::path::segments;
///
/// assert_eq!(segments("/items/a%2Fb"), ["items", "a/b"]);
/// assert_eq!(segments("//items/"), ["", "items", ""]);
/// assert_eq!(segments("/"), [""]);
/// ```
pub fn segments(path: &str) -> Vec<Cow<'_, str>> {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.split('/')
        .map(|segment| percent_encoding::percent_decode_str(segment).decode_utf8_lossy())
        .collect()
}
