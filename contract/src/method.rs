//! HTTP methods as OpenAPI names them: the eight a path item can hold.

use http::Method;

/// The methods an OpenAPI path item can hold, each with its key there
/// (`get`, `put`, ...). An operation of any other method cannot be
/// documented, so neither side serves one as documented.
pub const OPERATION_METHODS: [(Method, &str); 8] = [
    (Method::GET, "get"),
    (Method::PUT, "put"),
    (Method::POST, "post"),
    (Method::DELETE, "delete"),
    (Method::OPTIONS, "options"),
    (Method::HEAD, "head"),
    (Method::PATCH, "patch"),
    (Method::TRACE, "trace"),
];

/// The path item key of `method`'s operations, if OpenAPI has one.
///
/// ```
/// use http::Method;
/// use wafer_contract::method::operation_key;
///
/// assert_eq!(operation_key(&Method::PATCH), Some("patch"));
/// assert_eq!(operation_key(&Method::CONNECT), None);
/// ```
pub fn operation_key(method: &Method) -> Option<&'static str> {
    OPERATION_METHODS
        .iter()
        .find(|(known, _)| known == method)
        .map(|(_, key)| *key)
}

/// Why a method is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidMethod(pub String);

impl std::fmt::Display for InvalidMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not an HTTP method", self.0)
    }
}

impl std::error::Error for InvalidMethod {}

/// A method as a request spells it. Methods are case-sensitive (RFC 9110):
/// `get` is a method of its own, not `GET`; text that is not a method token
/// is refused, never read as some other method.
///
/// ```
/// use http::Method;
/// use wafer_contract::method::parse;
///
/// assert_eq!(parse("PATCH"), Ok(Method::PATCH));
/// assert_ne!(parse("get"), Ok(Method::GET));
/// assert!(parse("GE T").is_err() && parse("").is_err());
/// ```
pub fn parse(method: &str) -> Result<Method, InvalidMethod> {
    Method::from_bytes(method.as_bytes()).map_err(|_| InvalidMethod(method.to_owned()))
}
