//! Where a request carries its credentials: the `Authorization` header for
//! bearer tokens and HTTP Basic; a header, query parameter or cookie for API
//! keys, as the scheme in the component's document says.

use std::borrow::Cow;

use http::header::{AUTHORIZATION, COOKIE};
use http::request::Parts;
use serde_json::Value;
use wafer_contract::credentials::{basic_credentials, bearer_token};
use wafer_contract::{cookie, query};

/// Where a scheme's credential is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// An API key in a header, query parameter or cookie of this name.
    ApiKey { location: KeyLocation, name: String },
}

/// Where an API key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// What a request carries for one scheme.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Presented<'a> {
    Missing,
    /// Present but not readable text, or present more than once (which of
    /// them counts would be a guess, and the SDK might guess otherwise).
    Unreadable,
    Value(Cow<'a, str>),
}

impl Credential {
    /// The credential a `securitySchemes` entry describes, or why the host
    /// cannot check it.
    pub(crate) fn of_scheme(scheme: &Value) -> Result<Credential, String> {
        let field = |name: &str| scheme.get(name).and_then(Value::as_str).unwrap_or_default();
        match field("type") {
            "http" if field("scheme").eq_ignore_ascii_case("bearer") => Ok(Credential::Bearer),
            "http" if field("scheme").eq_ignore_ascii_case("basic") => Ok(Credential::Basic),
            "oauth2" | "openIdConnect" => Ok(Credential::Bearer),
            "apiKey" => {
                let location = match field("in") {
                    "header" => KeyLocation::Header,
                    "query" => KeyLocation::Query,
                    "cookie" => KeyLocation::Cookie,
                    other => return Err(format!("an apiKey `in` of {other:?} is not known")),
                };
                let name = field("name");
                if name.is_empty() {
                    return Err("the apiKey scheme has no `name`".into());
                }
                Ok(Credential::ApiKey {
                    location,
                    name: name.to_owned(),
                })
            }
            "http" => Err(format!(
                "HTTP {:?} authentication is not supported at the edge; use bearer, basic, oauth2 or apiKey",
                field("scheme")
            )),
            other => Err(format!("a scheme of type {other:?} is not supported")),
        }
    }

    /// The `WWW-Authenticate` challenge for this kind of credential.
    pub(crate) fn challenge(&self) -> &'static str {
        match self {
            Credential::Bearer => "Bearer",
            Credential::Basic => "Basic",
            Credential::ApiKey { .. } => "APIKey",
        }
    }

    /// What the request carries. A credential given twice is refused
    /// wherever it is; a query parameter is decoded as the SDK decodes
    /// queries (`wafer_contract::query`).
    pub(crate) fn find<'a>(&self, request: &'a Parts) -> Presented<'a> {
        match self {
            Credential::Bearer => match one_header(request, AUTHORIZATION.as_str()) {
                Presented::Value(Cow::Borrowed(value)) => bearer_token(value)
                    .map_or(Presented::Missing, |token| {
                        Presented::Value(Cow::Borrowed(token))
                    }),
                other => other,
            },
            // The header as it is: the verifier decodes the user and
            // password. What FastAPI cannot decode is no credential.
            Credential::Basic => match one_header(request, AUTHORIZATION.as_str()) {
                Presented::Value(value) if basic_credentials(&value).is_none() => {
                    Presented::Missing
                }
                other => other,
            },
            Credential::ApiKey {
                location: KeyLocation::Header,
                name,
            } => one_header(request, name),
            Credential::ApiKey {
                location: KeyLocation::Query,
                name,
            } => {
                let query = request.uri.query().unwrap_or_default();
                one(query::pairs(query)
                    .filter(|(key, _)| key == name)
                    .map(|(_, value)| value))
            }
            Credential::ApiKey {
                location: KeyLocation::Cookie,
                name,
            } => {
                let mut cookies = Vec::new();
                for header in request.headers.get_all(COOKIE) {
                    let Ok(header) = header.to_str() else {
                        return Presented::Unreadable;
                    };
                    cookies.extend(
                        cookie::pairs(header)
                            .filter(|(key, _)| key == name)
                            .map(|(_, value)| value),
                    );
                }
                one(cookies.into_iter())
            }
        }
    }
}

/// The one value of header `name`.
fn one_header<'a>(request: &'a Parts, name: &str) -> Presented<'a> {
    let mut values = request.headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Presented::Missing,
        (Some(value), None) => value.to_str().map_or(Presented::Unreadable, |value| {
            Presented::Value(Cow::Borrowed(value))
        }),
        (Some(_), Some(_)) => Presented::Unreadable,
    }
}

/// The one of `values`: none is missing, several are refused.
fn one<'a>(mut values: impl Iterator<Item = Cow<'a, str>>) -> Presented<'a> {
    match (values.next(), values.next()) {
        (None, _) => Presented::Missing,
        (Some(value), None) => Presented::Value(value),
        (Some(_), Some(_)) => Presented::Unreadable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).expect("request").into_parts().0
    }

    #[test]
    fn credentials_are_found_where_the_scheme_says() {
        let bearer =
            Credential::of_scheme(&json!({"type": "http", "scheme": "bearer"})).expect("ok");
        let value = |text: &'static str| Presented::Value(Cow::Borrowed(text));
        assert_eq!(
            bearer.find(&parts("/", &[("authorization", "bearer abc")])),
            value("abc")
        );
        assert_eq!(
            bearer.find(&parts("/", &[("authorization", "Basic abc")])),
            Presented::Missing
        );
        let query = Credential::of_scheme(&json!({"type": "apiKey", "in": "query", "name": "key"}))
            .expect("ok");
        assert_eq!(query.find(&parts("/x?a=1&key=k1", &[])), value("k1"));
        assert_eq!(
            query.find(&parts("/x?key=k%31+x", &[])),
            value("k1 x"),
            "decoded as the SDK decodes queries"
        );
        let cookie =
            Credential::of_scheme(&json!({"type": "apiKey", "in": "cookie", "name": "session"}))
                .expect("ok");
        assert_eq!(
            cookie.find(&parts("/", &[("cookie", "a=1; session=s1")])),
            value("s1")
        );
        let basic = Credential::of_scheme(&json!({"type": "http", "scheme": "Basic"})).expect("ok");
        assert_eq!(
            basic.find(&parts("/", &[("authorization", "basic YTpi")])),
            value("basic YTpi")
        );
        for unreadable in ["Basic bm9jb2xvbg==", "Basic", "Bearer YTpi", "Basic !!!"] {
            assert_eq!(
                basic.find(&parts("/", &[("authorization", unreadable)])),
                Presented::Missing,
                "{unreadable}: FastAPI answers Not authenticated"
            );
        }
        assert!(Credential::of_scheme(&json!({"type": "http", "scheme": "digest"})).is_err());
    }

    #[test]
    fn a_credential_given_twice_is_refused_wherever_it_is() {
        let scheme = |definition| Credential::of_scheme(&definition).expect("ok");
        let header = scheme(json!({"type": "apiKey", "in": "header", "name": "x-key"}));
        assert_eq!(
            header.find(&parts("/", &[("x-key", "a"), ("x-key", "b")])),
            Presented::Unreadable
        );
        let bearer = scheme(json!({"type": "http", "scheme": "bearer"}));
        assert_eq!(
            bearer.find(&parts(
                "/",
                &[("authorization", "Bearer a"), ("authorization", "Bearer b")]
            )),
            Presented::Unreadable
        );
        let query = scheme(json!({"type": "apiKey", "in": "query", "name": "key"}));
        assert_eq!(
            query.find(&parts("/?key=a&key=a", &[])),
            Presented::Unreadable
        );
        let cookie = scheme(json!({"type": "apiKey", "in": "cookie", "name": "s"}));
        assert_eq!(
            cookie.find(&parts("/", &[("cookie", "s=a"), ("cookie", "s=b")])),
            Presented::Unreadable
        );
        assert_eq!(
            cookie.find(&parts("/", &[("cookie", "s=a; s=a")])),
            Presented::Unreadable
        );
    }
}
