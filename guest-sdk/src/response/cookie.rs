//! [`SetCookie`]: cookies a response sets, written as FastAPI writes them.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use http::HeaderValue;

use super::{IntoResponse, Response};

/// A cookie for the client to keep: one `Set-Cookie` header, with the
/// attributes and defaults of Starlette's `Response.set_cookie` (`Path=/`,
/// `SameSite=lax`) and its exact wording, so that a Wafer app sets the
/// header byte for byte as its FastAPI twin.
///
/// ```
/// use std::time::Duration;
/// use wafer::{post, Json};
/// use wafer::SetCookie;
///
/// #[post("/login")]
/// fn login() -> (SetCookie, Json<&'static str>) {
///     let session = SetCookie::new("session", "s-ann")
///         .http_only(true)
///         .max_age(Duration::from_secs(3600));
///     assert_eq!(
///         session.to_header_value().unwrap(),
///         "session=s-ann; HttpOnly; Max-Age=3600; Path=/; SameSite=lax"
///     );
///     (session, Json("welcome"))
/// }
/// ```
///
/// A value with characters a cookie cannot hold as they are is sent in
/// double quotes with Python's escapes (`"a b\073c"` for `a b;c`). A name
/// that is not a token, or a path or domain holding `;` or a control
/// character (which could smuggle in attributes), turns the response into
/// a 500, logged: the cookie is never sent half-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    name: String,
    value: String,
    max_age: Option<u64>,
    expires: Option<SystemTime>,
    path: Option<String>,
    domain: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<SameSite>,
    partitioned: bool,
}

/// The `SameSite` attribute: which cross-site requests carry the cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Only same-site requests.
    Strict,
    /// Same-site requests and top-level navigations (the default).
    Lax,
    /// Every request (browsers require `secure` with it).
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "strict",
            SameSite::Lax => "lax",
            SameSite::None => "none",
        }
    }
}

/// Why a [`SetCookie`] cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    /// The name is empty or holds a character outside a token.
    #[error("the cookie name {0:?} is not a token (letters, digits and !#$%&'*+-.^_`|~:)")]
    Name(String),
    /// An attribute's value holds `;` or a control character.
    #[error("the cookie's {attribute} {value:?} holds `;` or a control character")]
    Attribute {
        /// `Path` or `Domain`.
        attribute: &'static str,
        /// The value given.
        value: String,
    },
}

impl SetCookie {
    /// The cookie `name` with `value`, for the whole site (`Path=/`), with
    /// `SameSite=lax`, until the browser closes.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        SetCookie {
            name: name.into(),
            value: value.into(),
            max_age: None,
            expires: None,
            path: Some("/".to_owned()),
            domain: None,
            secure: false,
            http_only: false,
            same_site: Some(SameSite::Lax),
            partitioned: false,
        }
    }

    /// Tells the client to forget the cookie `name` (Starlette's
    /// `delete_cookie`): an empty value that expires now. Give it the path
    /// and domain the cookie was set with.
    pub fn removal(name: impl Into<String>) -> Self {
        SetCookie::new(name, "")
            .max_age(Duration::ZERO)
            .expires(SystemTime::now())
    }

    /// How long the cookie lives (`Max-Age`, in whole seconds).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age.as_secs());
        self
    }

    /// When the cookie expires (`expires`, as an HTTP date).
    pub fn expires(mut self, expires: SystemTime) -> Self {
        self.expires = Some(expires);
        self
    }

    /// The paths the cookie is sent to (`/` unless set); `None` leaves the
    /// attribute out, and the browser uses the request's path.
    pub fn path(mut self, path: Option<&str>) -> Self {
        self.path = path.map(str::to_owned);
        self
    }

    /// The domain the cookie is sent to, with its subdomains; without one,
    /// only the host that set it.
    pub fn domain(mut self, domain: &str) -> Self {
        self.domain = Some(domain.to_owned());
        self
    }

    /// Whether the cookie is sent over HTTPS only (`Secure`).
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }

    /// Whether scripts in the page are denied the cookie (`HttpOnly`).
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.http_only = http_only;
        self
    }

    /// The `SameSite` attribute (`lax` unless set); `None` leaves it out.
    pub fn same_site(mut self, same_site: Option<SameSite>) -> Self {
        self.same_site = same_site;
        self
    }

    /// Whether the cookie is kept per top-level site (`Partitioned`, CHIPS).
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.partitioned = partitioned;
        self
    }

    /// The `Set-Cookie` header's value. Attributes come in the order
    /// Python's `http.cookies` writes them (alphabetical), with its names.
    pub fn to_header_value(&self) -> Result<String, CookieError> {
        if self.name.is_empty() || !self.name.chars().all(is_legal) {
            return Err(CookieError::Name(self.name.clone()));
        }
        let mut header = format!("{}={}", self.name, quote(&self.value));
        if let Some(domain) = &self.domain {
            write_attribute(&mut header, "Domain", domain)?;
        }
        if let Some(expires) = self.expires {
            write_attribute(&mut header, "expires", &httpdate::fmt_http_date(expires))?;
        }
        if self.http_only {
            header.push_str("; HttpOnly");
        }
        if let Some(max_age) = self.max_age {
            let _ = write!(header, "; Max-Age={max_age}");
        }
        if self.partitioned {
            header.push_str("; Partitioned");
        }
        if let Some(path) = &self.path {
            write_attribute(&mut header, "Path", path)?;
        }
        if let Some(same_site) = self.same_site {
            let _ = write!(header, "; SameSite={}", same_site.as_str());
        }
        if self.secure {
            header.push_str("; Secure");
        }
        Ok(header)
    }
}

fn write_attribute(
    header: &mut String,
    attribute: &'static str,
    value: &str,
) -> Result<(), CookieError> {
    if value.contains(|c: char| c == ';' || c.is_control()) {
        return Err(CookieError::Attribute {
            attribute,
            value: value.to_owned(),
        });
    }
    let _ = write!(header, "; {attribute}={value}");
    Ok(())
}

/// A character a cookie name or unquoted value may hold: Python's
/// `http.cookies._LegalChars`.
fn is_legal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:".contains(c)
}

/// Python's `http.cookies._quote`: a value of legal characters as it is,
/// any other (also an empty one) in double quotes, with `"` and `\`
/// escaped by a backslash and the characters of Latin-1 that are neither
/// legal nor ` ()/<=>?@[]{}` as three octal digits. Characters beyond
/// Latin-1 stay as they are (UTF-8), where Starlette fails to encode them.
fn quote(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.is_empty() && value.chars().all(is_legal) {
        return value.into();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            c if is_legal(c) || " ()/<=>?@[]{}".contains(c) || u32::from(c) > 0xff => {
                quoted.push(c);
            }
            c => {
                let _ = write!(quoted, "\\{:03o}", u32::from(c));
            }
        }
    }
    quoted.push('"');
    quoted.into()
}

impl Response {
    /// Adds a `Set-Cookie` header for `cookie`; one that cannot be sent
    /// turns the response into a 500, logged.
    pub fn with_cookie(self, cookie: &SetCookie) -> Self {
        match cookie.to_header_value() {
            Ok(value) => self.with_header(http::header::SET_COOKIE, value),
            Err(error) => super::invalid_header(error),
        }
    }
}

/// `value` with a cookie.
impl<T: IntoResponse> IntoResponse for (SetCookie, T) {
    fn into_response(self) -> Response {
        let (cookie, value) = self;
        value.into_response().with_cookie(&cookie)
    }
}

/// The header value, for `([(SET_COOKIE, cookie)], body)`.
impl TryFrom<SetCookie> for HeaderValue {
    type Error = String;

    fn try_from(cookie: SetCookie) -> Result<HeaderValue, String> {
        let value = cookie
            .to_header_value()
            .map_err(|error| error.to_string())?;
        HeaderValue::try_from(value).map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starlette's answers (`Response.set_cookie`, Python 3.11), recorded.
    #[test]
    fn cookies_are_written_as_starlette_writes_them() {
        let session = SetCookie::new("session", "s-ann").http_only(true);
        assert_eq!(
            session
                .clone()
                .max_age(Duration::from_secs(3600))
                .to_header_value(),
            Ok("session=s-ann; HttpOnly; Max-Age=3600; Path=/; SameSite=lax".to_owned())
        );
        assert_eq!(
            session.to_header_value(),
            Ok("session=s-ann; HttpOnly; Path=/; SameSite=lax".to_owned())
        );
        let everything = SetCookie::new("a", "x y;z")
            .domain("example.com")
            .secure(true)
            .same_site(Some(SameSite::Strict))
            .path(Some("/shop"));
        assert_eq!(
            everything.to_header_value(),
            Ok(
                r#"a="x y\073z"; Domain=example.com; Path=/shop; SameSite=strict; Secure"#
                    .to_owned()
            )
        );
        let bare = SetCookie::new("a", "q\"é\\").same_site(None).path(None);
        assert_eq!(bare.to_header_value(), Ok(r#"a="q\"\351\\""#.to_owned()));
        let epoch = SetCookie::new("a", "v").expires(SystemTime::UNIX_EPOCH);
        assert_eq!(
            epoch.to_header_value(),
            Ok("a=v; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; SameSite=lax".to_owned())
        );
        let removal = SetCookie::removal("session").expires(SystemTime::UNIX_EPOCH);
        assert_eq!(
            removal.to_header_value(),
            Ok(r#"session=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=lax"#.to_owned())
        );
    }

    #[test]
    fn what_could_smuggle_attributes_is_refused() {
        for name in ["", "a b", "a;b", "a=b", "ä"] {
            assert_eq!(
                SetCookie::new(name, "v").to_header_value(),
                Err(CookieError::Name(name.to_owned()))
            );
        }
        let path = SetCookie::new("a", "v").path(Some("/; Secure"));
        assert!(matches!(
            path.to_header_value(),
            Err(CookieError::Attribute {
                attribute: "Path",
                ..
            })
        ));
        let domain = SetCookie::new("a", "v").domain("x\r\nSet-Cookie: b=c");
        assert!(matches!(
            domain.to_header_value(),
            Err(CookieError::Attribute {
                attribute: "Domain",
                ..
            })
        ));
        // Control characters in the value are escaped, not sent.
        assert_eq!(
            SetCookie::new("a", "x\r\ny")
                .same_site(None)
                .path(None)
                .to_header_value(),
            Ok(r#"a="x\015\012y""#.to_owned())
        );
        let refused = Response::text("x").with_cookie(&SetCookie::new("a b", "v"));
        assert_eq!(refused.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    }
}
