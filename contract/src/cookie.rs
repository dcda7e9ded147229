//! How a `Cookie` request header is read, on both sides: the host's gate
//! finds an API key in it, the SDK's `Cookie` extractor the parameters.
//!
//! The rules are Starlette's (`starlette.requests.cookie_parser`), so that a
//! cookie reads as FastAPI reads it: the header is split at `;`, each part
//! at its first `=` (a part without one is a value with an empty name), the
//! name and value trimmed of whitespace, empty parts skipped, and a value in
//! double quotes unquoted as Python's `http.cookies` does (`\"` is `"`,
//! `\101` is `A`). Values are not percent-decoded.
//!
//! ```
//! use wafer_contract::cookie::pairs;
//!
//! let read: Vec<_> = pairs(r#"session=s-ann; theme="dark \"blue\""; flag"#).collect();
//! assert_eq!(read, [("session", "s-ann".into()), ("theme", r#"dark "blue""#.into()),
//!                   ("", "flag".into())]);
//! ```

use std::borrow::Cow;

/// The name and value of each cookie in `header`, in the order sent; a name
/// sent twice appears twice (FastAPI takes the last).
pub fn pairs(header: &str) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    header.split(';').filter_map(|part| {
        let (name, value) = part.split_once('=').unwrap_or(("", part));
        let (name, value) = (name.trim(), value.trim());
        (!name.is_empty() || !value.is_empty()).then(|| (name, unquote(value)))
    })
}

/// Python's `http.cookies._unquote`: a value in double quotes loses them, and
/// inside, `\` followed by three octal digits (the first 0 to 3) is that
/// character and `\` followed by any other character is that character.
fn unquote(value: &str) -> Cow<'_, str> {
    let Some(inner) = value
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return Cow::Borrowed(value);
    };
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut unquoted = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            unquoted.push(c);
            continue;
        }
        let rest = chars.clone().take(3).collect::<String>();
        match octal(&rest) {
            Some(code) => {
                unquoted.push(code);
                chars.nth(2);
            }
            // A trailing `\` stays: Python's pattern needs a character after it.
            None => unquoted.push(chars.next().unwrap_or('\\')),
        }
    }
    Cow::Owned(unquoted)
}

/// Three octal digits, the first 0 to 3, as the character they number.
fn octal(digits: &str) -> Option<char> {
    let bytes = digits.as_bytes();
    let is_octal = |b: u8| (b'0'..=b'7').contains(&b);
    match bytes {
        [first @ b'0'..=b'3', second, third] if is_octal(*second) && is_octal(*third) => {
            let code = u32::from(first - b'0') * 64
                + u32::from(second - b'0') * 8
                + u32::from(third - b'0');
            char::from_u32(code)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(header: &str) -> Vec<(&str, String)> {
        pairs(header)
            .map(|(name, value)| (name, value.into_owned()))
            .collect()
    }

    #[test]
    fn parts_are_split_and_trimmed_as_starlette_does() {
        assert_eq!(
            read(" a = 1 ;b=2;;c=x=y; =v; lone ;"),
            [
                ("a", "1".to_owned()),
                ("b", "2".to_owned()),
                ("c", "x=y".to_owned()),
                ("", "v".to_owned()),
                ("", "lone".to_owned()),
            ]
        );
        assert_eq!(read(""), []);
        assert_eq!(read("a="), [("a", String::new())]);
    }

    #[test]
    fn quoted_values_are_unquoted_as_python_does() {
        assert_eq!(read(r#"a="x y""#), [("a", "x y".to_owned())]);
        assert_eq!(read(r#"a="\"q\"""#), [("a", r#""q""#.to_owned())]);
        assert_eq!(read(r#"a="\101\x""#), [("a", "Ax".to_owned())]);
        // `\4` starts no octal escape (the first digit is 0 to 3), `\12` is
        // too short: each is the character after the backslash.
        assert_eq!(read(r#"a="\400\12""#), [("a", "40012".to_owned())]);
        assert_eq!(read(r#"a="end\""#), [("a", "end\\".to_owned())]);
        // Not quoted on both sides: as it is.
        assert_eq!(read(r#"a="x"#), [("a", "\"x".to_owned())]);
        assert_eq!(read(r#"a=""#), [("a", "\"".to_owned())]);
        assert_eq!(read(r#"a="""#), [("a", String::new())]);
    }
}
