//! Redirects as FastAPI (Starlette) writes them: how a `Location` is
//! encoded, and where a request for a path with its trailing slash the other
//! way round is sent.
//!
//! Both sides answer such a request: the SDK when no route of a component
//! matches the path but the same path with its trailing slash toggled does
//! (see [`Match::RedirectSlash`](crate::path::Match::RedirectSlash)), and the
//! host's gate for a secured component, which never lets a request for a
//! path its document does not describe reach the guest.
//!
//! ```
//! use http::{HeaderMap, HeaderValue, header::HOST, uri::Scheme};
//! use wafer_contract::redirect::{quote, slash_location};
//!
//! assert_eq!(quote("/a b/ü?x=1"), "/a%20b/%C3%BC?x=1");
//! let headers = HeaderMap::from_iter([(HOST, HeaderValue::from_static("testserver"))]);
//! assert_eq!(
//!     slash_location(None, &headers, "/shop/catalog/", Some("page=2")),
//!     "http://testserver/shop/catalog/?page=2"
//! );
//! assert_eq!(
//!     slash_location(Some(&Scheme::HTTPS), &HeaderMap::new(), "/shop/catalog/", None),
//!     "/shop/catalog/"
//! );
//! ```

use http::HeaderMap;
use http::header::HOST;
use http::uri::Scheme;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What Python's `quote` leaves as it is with Starlette's `safe`: letters,
/// digits, `_.-~` and `:/%#?=@[]!$&'()*+,;`.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'%')
    .remove(b'#')
    .remove(b'?')
    .remove(b'=')
    .remove(b'@')
    .remove(b'[')
    .remove(b']')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';');

/// A location as Starlette's `RedirectResponse` sends it: percent-encoded as
/// Python's `quote` with the characters a URL keeps, so that a location with
/// spaces or non-ASCII characters is a valid header.
pub fn quote(location: &str) -> String {
    utf8_percent_encode(location, KEEP).to_string()
}

/// Where a request is redirected to the path `toggled` (its trailing slash
/// the other way round), as Starlette's `redirect_slashes` writes it: the
/// `scheme` the request came by (plain HTTP where it is not known), its
/// `Host` header as sent, the path decoded and quoted again, the query as it
/// was sent. Without a `Host` header, the path alone.
pub fn slash_location(
    scheme: Option<&Scheme>,
    headers: &HeaderMap,
    toggled: &str,
    query: Option<&str>,
) -> String {
    let path = percent_decode_str(toggled).decode_utf8_lossy();
    let host = headers.get(HOST).and_then(|host| host.to_str().ok());
    let mut url = match host {
        Some(host) => {
            let scheme = scheme.map_or("http", Scheme::as_str);
            format!("{scheme}://{host}{path}")
        }
        None => path.into_owned(),
    };
    if let Some(query) = query.filter(|query| !query.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    quote(&url)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starlette's answers (`RedirectResponse(url).headers["location"]`).
    #[test]
    fn locations_are_encoded_as_starlette_encodes_them() {
        assert_eq!(quote("/shop/catalog/"), "/shop/catalog/");
        assert_eq!(quote("/a b/ü?x=1&y=a b#f"), "/a%20b/%C3%BC?x=1&y=a%20b#f");
        assert_eq!(
            quote("https://e.com/p;q,r*(s)'!$@~"),
            "https://e.com/p;q,r*(s)'!$@~"
        );
        assert_eq!(quote("/\"<>\\^`{|}"), "/%22%3C%3E%5C%5E%60%7B%7C%7D");
    }

    #[test]
    fn a_slash_location_decodes_the_path_and_keeps_the_query() {
        let host = |value: &'static str| {
            HeaderMap::from_iter([(HOST, http::HeaderValue::from_static(value))])
        };
        assert_eq!(
            slash_location(None, &host("h:8080"), "/caf%C3%A9%20x/", Some("q=a%20b")),
            "http://h:8080/caf%C3%A9%20x/?q=a%20b"
        );
        assert_eq!(
            slash_location(Some(&Scheme::HTTPS), &host("h"), "/a", Some("")),
            "https://h/a"
        );
        assert_eq!(
            slash_location(Some(&Scheme::HTTPS), &HeaderMap::new(), "/a b", Some("x")),
            "/a%20b?x"
        );
    }
}
