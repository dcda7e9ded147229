//! How a query string is read, on both sides: `application/x-www-form-urlencoded`
//! pairs, each name and value decoded once (`+` is a space, `%XX` a byte,
//! invalid UTF-8 replaced), in the order sent.
//!
//! ```
//! use wafer_contract::query::pairs;
//!
//! let read: Vec<_> = pairs("a=1&b=x+y&c=%41&a=2").collect();
//! assert_eq!(read, [("a".into(), "1".into()), ("b".into(), "x y".into()),
//!                   ("c".into(), "A".into()), ("a".into(), "2".into())]);
//! ```

use std::borrow::Cow;

/// The decoded pairs of `query` (the part of a URI after `?`).
pub fn pairs(query: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(query.as_bytes())
}
