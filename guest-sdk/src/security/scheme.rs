//! Security schemes as types, and their OpenAPI definitions.

use serde_json::{Map, Value, json};

/// A security scheme: its name in `components.securitySchemes` and its
/// definition. Implement it for a unit struct of yours; see the
/// [module docs](crate::security).
pub trait SecurityScheme: 'static {
    /// The scheme's name in the document, e.g. `"oauth2"`. The Wafer host's
    /// manifest configures the scheme under this name.
    const NAME: &'static str;

    /// The scheme's definition.
    fn scheme() -> Scheme;
}

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Bearer,
    Basic,
    ApiKey(ApiKeyLocation, String),
    OAuth2 {
        password: Option<String>,
        client_credentials: Option<String>,
        scopes: Vec<(String, String)>,
    },
}

/// A scheme's definition, built with its constructors.
///
/// ```
/// use wafer::security::Scheme;
///
/// let bearer = Scheme::bearer().description("JWTs from our identity provider");
/// let key = Scheme::api_key_header("x-api-key");
/// let basic = Scheme::http_basic();
/// let oauth2 = Scheme::oauth2_password("/token")
///     .client_credentials("/token")
///     .scope("items:read", "Read items");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub(crate) kind: Kind,
    description: Option<String>,
}

impl Scheme {
    /// HTTP bearer authentication with JWTs: `Authorization: Bearer <token>`.
    pub fn bearer() -> Scheme {
        Scheme::of(Kind::Bearer)
    }

    /// HTTP Basic authentication: `Authorization: Basic <user:password>`.
    /// The Wafer host checks the password against a users file
    /// (`[auth.schemes.<name>] users = "users.toml"`) and forwards the user
    /// as the identity's `sub`, with the scopes the file gives them.
    pub fn http_basic() -> Scheme {
        Scheme::of(Kind::Basic)
    }

    /// An API key in the request header `name`.
    pub fn api_key_header(name: &str) -> Scheme {
        Scheme::of(Kind::ApiKey(
            ApiKeyLocation::Header,
            name.to_ascii_lowercase(),
        ))
    }

    /// An API key in the query parameter `name`.
    pub fn api_key_query(name: &str) -> Scheme {
        Scheme::of(Kind::ApiKey(ApiKeyLocation::Query, name.to_owned()))
    }

    /// An API key in the cookie `name`.
    pub fn api_key_cookie(name: &str) -> Scheme {
        Scheme::of(Kind::ApiKey(ApiKeyLocation::Cookie, name.to_owned()))
    }

    /// OAuth2 with the password flow at `token_url`; the tokens are bearer
    /// JWTs. (Behind the Wafer host with `issued_here = true`, the host points
    /// the flow at its own token endpoint.)
    pub fn oauth2_password(token_url: &str) -> Scheme {
        Scheme::of(Kind::OAuth2 {
            password: Some(token_url.to_owned()),
            client_credentials: None,
            scopes: Vec::new(),
        })
    }

    /// OAuth2 with the client-credentials flow at `token_url`.
    pub fn oauth2_client_credentials(token_url: &str) -> Scheme {
        Scheme::of(Kind::OAuth2 {
            password: None,
            client_credentials: Some(token_url.to_owned()),
            scopes: Vec::new(),
        })
    }

    /// Adds the client-credentials flow to an OAuth2 scheme.
    pub fn client_credentials(mut self, token_url: &str) -> Scheme {
        if let Kind::OAuth2 {
            client_credentials, ..
        } = &mut self.kind
        {
            *client_credentials = Some(token_url.to_owned());
        }
        self
    }

    /// Declares a scope of an OAuth2 scheme, with what it allows.
    pub fn scope(mut self, name: &str, description: &str) -> Scheme {
        if let Kind::OAuth2 { scopes, .. } = &mut self.kind {
            scopes.push((name.to_owned(), description.to_owned()));
        }
        self
    }

    /// Describes the scheme in the docs.
    pub fn description(mut self, description: &str) -> Scheme {
        self.description = Some(description.to_owned());
        self
    }

    fn of(kind: Kind) -> Scheme {
        Scheme {
            kind,
            description: None,
        }
    }

    /// The `securitySchemes` entry.
    pub(crate) fn to_openapi(&self) -> Value {
        let mut value = match &self.kind {
            Kind::Bearer => json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
            Kind::Basic => json!({"type": "http", "scheme": "basic"}),
            Kind::ApiKey(location, name) => {
                let location = match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query",
                    ApiKeyLocation::Cookie => "cookie",
                };
                json!({"type": "apiKey", "in": location, "name": name})
            }
            Kind::OAuth2 {
                password,
                client_credentials,
                scopes,
            } => {
                let scopes: Map<String, Value> = scopes
                    .iter()
                    .map(|(name, description)| (name.clone(), Value::String(description.clone())))
                    .collect();
                let mut flows = Map::new();
                if let Some(url) = password {
                    flows.insert(
                        "password".into(),
                        json!({"tokenUrl": url, "scopes": scopes}),
                    );
                }
                if let Some(url) = client_credentials {
                    flows.insert(
                        "clientCredentials".into(),
                        json!({"tokenUrl": url, "scopes": scopes}),
                    );
                }
                json!({"type": "oauth2", "flows": flows})
            }
        };
        if let Some(description) = &self.description {
            value["description"] = Value::String(description.clone());
        }
        value
    }

    /// The `WWW-Authenticate` challenge of a 401 for this scheme.
    pub(crate) fn challenge(&self) -> &'static str {
        match self.kind {
            Kind::ApiKey(..) => "APIKey",
            Kind::Basic => "Basic",
            Kind::Bearer | Kind::OAuth2 { .. } => "Bearer",
        }
    }
}

/// The schemes an [`Identity`](super::Identity) accepts: one
/// [`SecurityScheme`], or a tuple of them for alternatives (any one will do).
pub trait Schemes: 'static {
    /// Each accepted scheme's name and definition.
    fn schemes() -> Vec<(&'static str, Scheme)>;
}

impl<S: SecurityScheme> Schemes for S {
    fn schemes() -> Vec<(&'static str, Scheme)> {
        vec![(S::NAME, S::scheme())]
    }
}

macro_rules! alternatives {
    ($($name:ident),+) => {
        impl<$($name: SecurityScheme),+> Schemes for ($($name,)+) {
            fn schemes() -> Vec<(&'static str, Scheme)> {
                vec![$(($name::NAME, $name::scheme())),+]
            }
        }
    };
}
alternatives!(A, B);
alternatives!(A, B, C);
alternatives!(A, B, C, D);
