//! Credentials as both sides read them: the bearer token of an
//! `Authorization` header, and the scopes that verified claims grant.

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
