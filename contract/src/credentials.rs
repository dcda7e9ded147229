//! Credentials as both sides read them: the bearer token or the HTTP Basic
//! user and password of an `Authorization` header, and the scopes that
//! verified claims grant.

use base64::Engine as _;
use serde_json::Value;

/// Tokens longer than this are refused before any parsing.
pub const MAX_TOKEN_LENGTH: usize = 8 * 1024;

/// The token of an `Authorization: Bearer <token>` header value (the scheme
/// name in any case, the token trimmed), or `None` for another scheme.
///
/// ```
/// use wafer_contract::credentials::bearer_token;
///
/// assert_eq!(bearer_token("bearer abc "), Some("abc"));
/// assert_eq!(bearer_token("Basic abc"), None);
/// assert_eq!(bearer_token("Bearer"), None);
/// ```
pub fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The user and password of an `Authorization: Basic <base64>` header value,
/// read as FastAPI's `HTTPBasic` reads them, or `None` where it answers
/// "Not authenticated": another scheme (the name in any case), nothing after
/// it, base64 that does not decode, a decoded text that is not ASCII or has
/// no `:`. The password is everything after the first `:`. As Python's
/// `b64decode` does, characters outside base64's alphabet are skipped.
///
/// ```
/// use wafer_contract::credentials::basic_credentials;
///
/// assert_eq!(basic_credentials("Basic YWRtaW46czNjcmV0"), Some(("admin".into(), "s3cret".into())));
/// assert_eq!(basic_credentials("basic  YTpiOmM="), Some(("a".into(), "b:c".into())));
/// assert_eq!(basic_credentials("Basic bm9jb2xvbg=="), None); // "nocolon"
/// assert_eq!(basic_credentials("Bearer YWRtaW46czNjcmV0"), None);
/// ```
pub fn basic_credentials(authorization: &str) -> Option<(String, String)> {
    if authorization.len() > MAX_TOKEN_LENGTH {
        return None;
    }
    let (scheme, encoded) = authorization.split_once(' ')?;
    let encoded = encoded.trim();
    if !scheme.eq_ignore_ascii_case("basic") || encoded.is_empty() {
        return None;
    }
    let decoded = python_b64decode(encoded)?;
    if !decoded.is_ascii() {
        return None;
    }
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Python's `base64.b64decode` (not validating): characters outside the
/// alphabet are skipped; `=` ends the data once a group of four has two
/// characters or more (and is skipped before that); data that ends in a
/// group of one character, or in an unpadded partial group, is an error.
fn python_b64decode(encoded: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let mut data = String::with_capacity(encoded.len());
    let mut padded = false;
    for c in encoded.chars() {
        match c {
            '=' if data.len() % 4 >= 2 => {
                padded = true;
                break;
            }
            c if c.is_ascii_alphanumeric() || c == '+' || c == '/' => data.push(c),
            _ => {}
        }
    }
    if data.len() % 4 == 1 || (!padded && !data.len().is_multiple_of(4)) {
        return None;
    }
    LENIENT.decode(data).ok()
}

/// The scopes verified claims grant: OAuth2's space-separated `scope`, and
/// `scopes` or `scp` lists, all together.
///
/// ```
/// use serde_json::json;
/// use wafer_contract::credentials::scopes_of;
///
/// assert_eq!(scopes_of(&json!({"scope": "a b", "scp": ["c"]})), ["a", "b", "c"]);
/// assert!(scopes_of(&json!({"scope": 5})).is_empty());
/// ```
pub fn scopes_of(claims: &Value) -> Vec<String> {
    let mut scopes = Vec::new();
    for key in ["scope", "scopes", "scp"] {
        match claims.get(key) {
            Some(Value::String(text)) => scopes.extend(text.split_whitespace().map(str::to_owned)),
            Some(Value::Array(items)) => {
                scopes.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::python_b64decode;

    /// Python's answers (`base64.b64decode(s)`, recorded).
    #[test]
    fn base64_is_decoded_as_python_decodes_it() {
        let decode =
            |s: &str| python_b64decode(s).map(|b| String::from_utf8_lossy(&b).into_owned());
        assert_eq!(decode("YWRtaW46czNjcmV0").as_deref(), Some("admin:s3cret"));
        assert_eq!(decode("YWRtaW46czNjcmV0=").as_deref(), Some("admin:s3cret"));
        assert_eq!(
            decode("YWRtaW46czNjcmV0!!").as_deref(),
            Some("admin:s3cret")
        );
        assert_eq!(
            decode("YWRt aW46 czNj cmV0").as_deref(),
            Some("admin:s3cret")
        );
        assert_eq!(decode("YTpiOmM=").as_deref(), Some("a:b:c"));
        assert_eq!(decode("YTpiOmM=trailing").as_deref(), Some("a:b:c"));
        assert_eq!(decode("YWRtaW46czNjcmV"), None);
        assert_eq!(decode("YWRtaW46czNjcmV0Y"), None);
        assert_eq!(decode("!!!").as_deref(), Some(""));
    }
}
