//! The manifest's `[auth]` section: how the host checks each security scheme
//! that components declare, and its own OAuth2 token endpoint.
//!
//! ```toml
//! # A scheme named as in the components' `securitySchemes`.
//! [auth.schemes.bearer]            # bearer JWTs signed by someone else
//! algorithms = ["RS256"]           # HS256/384/512, RS*, PS*, ES256/384, EdDSA
//! keys = ["keys/issuer.pem"]       # PEM public keys, or files holding an HMAC secret
//! jwks = "keys/jwks.json"          # and/or a JWKS file; tokens pick a key by `kid`
//! issuer = "https://issuer.example"  # required `iss`, if set
//! audience = "my-api"              # required `aud`, if set
//! leeway_seconds = 30              # clock skew allowed on exp/nbf (default 30)
//!
//! [auth.schemes.oauth2]
//! issued_here = true               # tokens from the host's token endpoint below
//!
//! [auth.schemes.api_key]
//! api_keys = "auth/api-keys.toml"  # hashed keys: `wafer auth api-key` makes entries
//!
//! [auth.schemes.basic]             # HTTP Basic
//! users = "auth/users.toml"        # argon2 hashes, as the token endpoint's users
//!
//! [auth.token_endpoint]
//! path = "/token"                  # default
//! users = "auth/users.toml"        # password flow (argon2 hashes)
//! clients = "auth/clients.toml"    # client-credentials flow (argon2 hashes)
//! algorithm = "HS256"              # default; with `key` unset, a random per-process secret
//! key = "keys/signing.pem"         # HMAC secret file or PEM private key
//! public_key = "keys/signing.pub.pem"  # for RS*/PS*/ES*/EdDSA
//! issuer = "wafer"                 # default
//! audience = "wafer"               # default
//! lifetime_seconds = 3600          # default
//! body_timeout_ms = 10000          # to send the form once the head is in -> 408
//! client_logins_per_minute = 30    # per client address -> 429
//! account_logins_per_minute = 10   # per user or OAuth2 client -> 429
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jsonwebtoken::Algorithm;
use serde::Deserialize;

/// Clock skew allowed on `exp` and `nbf` unless the manifest says otherwise.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 30;

/// The validated `[auth]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthSettings {
    /// How to check each scheme, by the scheme's name.
    pub schemes: BTreeMap<String, SchemeSettings>,
    /// The host's token endpoint, if it has one.
    pub token_endpoint: Option<TokenEndpointSettings>,
}

/// How the host checks one security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeSettings {
    /// Bearer JWTs signed with these keys.
    Jwt(JwtSettings),
    /// Bearer JWTs from the host's own token endpoint.
    IssuedHere,
    /// API keys from a file of hashed keys.
    ApiKeys(PathBuf),
    /// HTTP Basic users from a users file.
    Users(PathBuf),
}

/// What makes a JWT acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtSettings {
    /// The algorithms accepted; a token naming another is refused.
    pub algorithms: Vec<Algorithm>,
    /// PEM public keys, or HMAC secret files.
    pub keys: Vec<PathBuf>,
    /// A JWKS file.
    pub jwks: Option<PathBuf>,
    /// The required `iss`.
    pub issuer: Option<String>,
    /// The required `aud`.
    pub audience: Option<String>,
    /// Clock skew allowed on `exp` and `nbf`.
    pub leeway_seconds: u64,
}

/// The host's OAuth2 token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenEndpointSettings {
    /// Where it is served.
    pub path: String,
    /// Users for the password flow.
    pub users: Option<PathBuf>,
    /// Clients for the client-credentials flow.
    pub clients: Option<PathBuf>,
    /// The signing algorithm.
    pub algorithm: Algorithm,
    /// The signing key (HMAC secret file or PEM private key); `None` for a
    /// random per-process HMAC secret.
    pub key: Option<PathBuf>,
    /// The PEM public key that checks the tokens, for asymmetric algorithms.
    pub public_key: Option<PathBuf>,
    /// `iss` of the tokens.
    pub issuer: String,
    /// `aud` of the tokens.
    pub audience: String,
    /// How long a token is valid.
    pub lifetime_seconds: u64,
    /// How long a client may take to send its form, once the head is in.
    pub body_timeout: std::time::Duration,
    /// Logins one client address may try per minute.
    pub client_logins_per_minute: u32,
    /// Logins that may be tried for one user or OAuth2 client per minute.
    pub account_logins_per_minute: u32,
}

/// `[auth]` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAuth {
    #[serde(default)]
    schemes: BTreeMap<String, RawScheme>,
    token_endpoint: Option<RawTokenEndpoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    #[serde(default)]
    algorithms: Vec<String>,
    #[serde(default)]
    keys: Vec<PathBuf>,
    jwks: Option<PathBuf>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway_seconds: Option<u64>,
    #[serde(default)]
    issued_here: bool,
    api_keys: Option<PathBuf>,
    users: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTokenEndpoint {
    path: Option<String>,
    users: Option<PathBuf>,
    clients: Option<PathBuf>,
    algorithm: Option<String>,
    key: Option<PathBuf>,
    public_key: Option<PathBuf>,
    issuer: Option<String>,
    audience: Option<String>,
    lifetime_seconds: Option<u64>,
    body_timeout_ms: Option<u64>,
    client_logins_per_minute: Option<u32>,
    account_logins_per_minute: Option<u32>,
}

/// A field and what is wrong with it.
pub(crate) type FieldError = (String, String);

impl RawAuth {
    /// Validates the section; relative paths start at `base`.
    pub(super) fn validate(self, base: &Path) -> Result<AuthSettings, FieldError> {
        let mut schemes = BTreeMap::new();
        for (name, raw) in self.schemes {
            let field = |key: &str| format!("auth.schemes.{name}.{key}");
            let is_jwt = !raw.algorithms.is_empty() || !raw.keys.is_empty() || raw.jwks.is_some();
            let kinds = [
                is_jwt,
                raw.issued_here,
                raw.api_keys.is_some(),
                raw.users.is_some(),
            ];
            let settings = match kinds {
                [true, false, false, false] => raw.jwt(base, &field)?,
                [false, true, false, false] => SchemeSettings::IssuedHere,
                [false, false, true, false] => {
                    SchemeSettings::ApiKeys(base.join(raw.api_keys.unwrap_or_default()))
                }
                [false, false, false, true] => {
                    SchemeSettings::Users(base.join(raw.users.unwrap_or_default()))
                }
                _ => {
                    return Err((
                        format!("auth.schemes.{name}"),
                        "say how to check it with exactly one of: `algorithms` and `keys`/`jwks` \
                         (JWTs), `issued_here = true` (tokens from [auth.token_endpoint]), \
                         `api_keys` (a file of hashed API keys), or `users` (a users file, for \
                         HTTP Basic)"
                            .into(),
                    ));
                }
            };
            if settings == SchemeSettings::IssuedHere && self.token_endpoint.is_none() {
                return Err((
                    field("issued_here"),
                    "there is no [auth.token_endpoint] to issue the tokens".into(),
                ));
            }
            schemes.insert(name, settings);
        }
        let token_endpoint = self
            .token_endpoint
            .map(|raw| raw.validate(base))
            .transpose()?;
        Ok(AuthSettings {
            schemes,
            token_endpoint,
        })
    }
}

impl RawScheme {
    /// The settings of a JWT scheme; `field` names a key of its table.
    fn jwt(
        self,
        base: &Path,
        field: &dyn Fn(&str) -> String,
    ) -> Result<SchemeSettings, FieldError> {
        let algorithms = self
            .algorithms
            .iter()
            .map(|alg| {
                alg.parse::<Algorithm>().map_err(|_| {
                    (
                        field("algorithms"),
                        format!(
                            "{alg:?} is not a JWT algorithm: use HS256, HS384, HS512, RS256, \
                             RS384, RS512, PS256, PS384, PS512, ES256, ES384 or EdDSA"
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if algorithms.is_empty() {
            return Err((
                field("algorithms"),
                "name the algorithms tokens may use, e.g. [\"RS256\"]".into(),
            ));
        }
        if self.keys.is_empty() && self.jwks.is_none() {
            return Err((
                field("keys"),
                "no keys: give `keys` (PEM files) or `jwks` (a JWKS file)".into(),
            ));
        }
        Ok(SchemeSettings::Jwt(JwtSettings {
            algorithms,
            keys: self.keys.iter().map(|key| base.join(key)).collect(),
            jwks: self.jwks.map(|jwks| base.join(jwks)),
            issuer: self.issuer,
            audience: self.audience,
            leeway_seconds: self.leeway_seconds.unwrap_or(DEFAULT_LEEWAY_SECONDS),
        }))
    }
}

impl RawTokenEndpoint {
    fn validate(self, base: &Path) -> Result<TokenEndpointSettings, FieldError> {
        let field = |key: &str| format!("auth.token_endpoint.{key}");
        let path = self.path.unwrap_or_else(|| "/token".to_owned());
        if !path.starts_with('/') || path.len() < 2 || path.ends_with('/') {
            return Err((
                field("path"),
                format!("{path:?} is not a usable path: write it like \"/token\""),
            ));
        }
        let algorithm = match self.algorithm.as_deref() {
            None => Algorithm::HS256,
            Some(name) => name.parse().map_err(|_| {
                (
                    field("algorithm"),
                    format!("{name:?} is not a JWT algorithm, e.g. \"HS256\" or \"EdDSA\""),
                )
            })?,
        };
        let symmetric = matches!(
            algorithm,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        );
        if !symmetric && (self.key.is_none() || self.public_key.is_none()) {
            return Err((
                field("key"),
                format!(
                    "{algorithm:?} needs `key` (the PEM private key) and `public_key` (its PEM public key)"
                ),
            ));
        }
        if self.users.is_none() && self.clients.is_none() {
            return Err((
                field("users"),
                "nobody can get a token: give `users` (password flow) or `clients` \
                 (client-credentials flow)"
                    .into(),
            ));
        }
        Ok(TokenEndpointSettings {
            path,
            users: self.users.map(|users| base.join(users)),
            clients: self.clients.map(|clients| base.join(clients)),
            algorithm,
            key: self.key.map(|key| base.join(key)),
            public_key: self.public_key.map(|key| base.join(key)),
            issuer: self.issuer.unwrap_or_else(|| "wafer".to_owned()),
            audience: self.audience.unwrap_or_else(|| "wafer".to_owned()),
            lifetime_seconds: self.lifetime_seconds.unwrap_or(3600),
            body_timeout: std::time::Duration::from_millis(at_least_one(
                &field("body_timeout_ms"),
                self.body_timeout_ms.unwrap_or(10_000),
            )?),
            client_logins_per_minute: at_least_one(
                &field("client_logins_per_minute"),
                self.client_logins_per_minute.unwrap_or(30),
            )?,
            account_logins_per_minute: at_least_one(
                &field("account_logins_per_minute"),
                self.account_logins_per_minute.unwrap_or(10),
            )?,
        })
    }
}

/// `value`, unless it is 0.
fn at_least_one<T: PartialEq + From<u8>>(field: &str, value: T) -> Result<T, FieldError> {
    if value == T::from(0) {
        return Err((
            field.to_owned(),
            "must be at least 1 (0 would refuse every login)".to_owned(),
        ));
    }
    Ok(value)
}
