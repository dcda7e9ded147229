//! How a form body is read into parameters, as Starlette reads it for
//! FastAPI's `Form()`: by its content type, and as no fields at all when
//! the content type is not a form's (so each required field is `missing`).
//!
//! FastAPI takes a field whose value is empty (`note=`, an empty text input)
//! as not sent: its default, or `missing`. Here a field whose last value is
//! empty is left out. That is FastAPI's rule for single values; for a list
//! FastAPI keeps empty values, and so does this unless the list's last one
//! is empty (`tags=a&tags=` is `[]` here, `["a", ""]` in FastAPI).

use std::collections::HashMap;

use http::HeaderMap;
use http::header::CONTENT_TYPE;

use crate::validation::ParamSet;

/// The kinds of form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormKind {
    /// `application/x-www-form-urlencoded`: `a=1&b=x+y`.
    UrlEncoded,
}

impl FormKind {
    /// The kind of form `headers` announce, if any.
    pub(crate) fn of(headers: &HeaderMap) -> Option<FormKind> {
        let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        essence
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            .then_some(FormKind::UrlEncoded)
    }
}

/// The fields of the form in `body`, in the order sent, under `["body", name]`
/// in errors: none unless `headers` announce a form.
pub(crate) fn read(headers: &HeaderMap, body: &[u8]) -> ParamSet {
    let mut fields = ParamSet::new("body");
    match FormKind::of(headers) {
        Some(FormKind::UrlEncoded) => {
            // The same decoding as a query string (`+` is a space, `%XX` a
            // byte, invalid UTF-8 replaced).
            let pairs: Vec<_> = form_urlencoded::parse(body).collect();
            let mut last_is_blank = HashMap::new();
            for (name, value) in &pairs {
                last_is_blank.insert(name.as_ref(), value.is_empty());
            }
            for (name, value) in &pairs {
                if last_is_blank.get(name.as_ref()) == Some(&false) {
                    fields.push(name.as_ref(), value.as_ref());
                }
            }
        }
        None => {}
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, content_type.parse().expect("header value"));
        headers
    }

    #[test]
    fn form_content_types() {
        assert_eq!(
            FormKind::of(&headers("application/x-www-form-urlencoded")),
            Some(FormKind::UrlEncoded)
        );
        assert_eq!(
            FormKind::of(&headers("Application/X-WWW-Form-URLEncoded; charset=utf-8")),
            Some(FormKind::UrlEncoded)
        );
        assert_eq!(FormKind::of(&headers("application/json")), None);
        assert_eq!(FormKind::of(&HeaderMap::new()), None);
    }

    #[test]
    fn another_content_type_is_a_form_without_fields() {
        let fields = read(&headers("text/plain"), b"a=1");
        assert_eq!(fields.get("a"), None);
        let fields = read(
            &headers("application/x-www-form-urlencoded"),
            b"a=1&b=x+y&a=%41",
        );
        assert_eq!(fields.get("a"), Some(&["1".to_owned(), "A".to_owned()][..]));
        assert_eq!(fields.get("b"), Some(&["x y".to_owned()][..]));
    }

    #[test]
    fn a_field_whose_last_value_is_empty_is_not_sent() {
        let fields = read(
            &headers("application/x-www-form-urlencoded"),
            b"a=&b=x&b=&c=&c=y&d",
        );
        assert_eq!(fields.get("a"), None);
        assert_eq!(fields.get("b"), None);
        assert_eq!(fields.get("c"), Some(&[String::new(), "y".to_owned()][..]));
        assert_eq!(fields.get("d"), None);
    }
}
