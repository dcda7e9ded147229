//! Where a request carries its credentials: the `Authorization` header for
//! bearer tokens; a header, query parameter or cookie for API keys, as the
//! scheme in the component's document says.

use http::header::{AUTHORIZATION, COOKIE};
use http::request::Parts;
use serde_json::Value;
use wafer_contract::credentials::bearer_token;

/// Where a scheme's credential is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer,
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
    /// Present but not readable text.
    Unreadable,
    Value(&'a str),
}

impl Credential {
    /// The credential a `securitySchemes` entry describes, or why the host
    /// cannot check it.
    pub(crate) fn of_scheme(scheme: &Value) -> Result<Credential, String> {
        let field = |name: &str| scheme.get(name).and_then(Value::as_str).unwrap_or_default();
        match field("type") {
            "http" if field("scheme").eq_ignore_ascii_case("bearer") => Ok(Credential::Bearer),
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
                "HTTP {:?} authentication is not supported at the edge; use bearer, oauth2 or apiKey",
                field("scheme")
            )),
            other => Err(format!("a scheme of type {other:?} is not supported")),
        }
    }

    /// The `WWW-Authenticate` challenge for this kind of credential.
    pub(crate) fn challenge(&self) -> &'static str {
        match self {
            Credential::Bearer => "Bearer",
            Credential::ApiKey { .. } => "APIKey",
        }
    }

    /// What the request carries.
    pub(crate) fn find<'a>(&self, request: &'a Parts) -> Presented<'a> {
        match self {
            Credential::Bearer => {
                let mut values = request.headers.get_all(AUTHORIZATION).iter();
                let (Some(value), None) = (values.next(), values.next()) else {
                    return Presented::Missing;
                };
                let Ok(value) = value.to_str() else {
                    return Presented::Unreadable;
                };
                bearer_token(value).map_or(Presented::Missing, Presented::Value)
            }
            Credential::ApiKey {
                location: KeyLocation::Header,
                name,
            } => match request.headers.get(name.as_str()) {
                None => Presented::Missing,
                Some(value) => value
                    .to_str()
                    .map_or(Presented::Unreadable, Presented::Value),
            },
            Credential::ApiKey {
                location: KeyLocation::Query,
                name,
            } => {
                let query = request.uri.query().unwrap_or_default();
                let found = query.split('&').find_map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (key == name).then_some(value)
                });
                match found {
                    None => Presented::Missing,
                    // API keys are made of URL-safe characters; anything
                    // encoded is not one of them.
                    Some(value) if value.contains('%') || value.contains('+') => {
                        Presented::Unreadable
                    }
                    Some(value) => Presented::Value(value),
                }
            }
            Credential::ApiKey {
                location: KeyLocation::Cookie,
                name,
            } => {
                for header in request.headers.get_all(COOKIE) {
                    let Ok(header) = header.to_str() else {
                        return Presented::Unreadable;
                    };
                    for cookie in header.split(';') {
                        if let Some((key, value)) = cookie.trim().split_once('=')
                            && key == name
                        {
                            return Presented::Value(value);
                        }
                    }
                }
                Presented::Missing
            }
        }
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
        assert_eq!(
            bearer.find(&parts("/", &[("authorization", "bearer abc")])),
            Presented::Value("abc")
        );
        assert_eq!(
            bearer.find(&parts("/", &[("authorization", "Basic abc")])),
            Presented::Missing
        );
        let query = Credential::of_scheme(&json!({"type": "apiKey", "in": "query", "name": "key"}))
            .expect("ok");
        assert_eq!(
            query.find(&parts("/x?a=1&key=k1", &[])),
            Presented::Value("k1")
        );
        let cookie =
            Credential::of_scheme(&json!({"type": "apiKey", "in": "cookie", "name": "session"}))
                .expect("ok");
        assert_eq!(
            cookie.find(&parts("/", &[("cookie", "a=1; session=s1")])),
            Presented::Value("s1")
        );
        assert!(Credential::of_scheme(&json!({"type": "http", "scheme": "basic"})).is_err());
    }
}
