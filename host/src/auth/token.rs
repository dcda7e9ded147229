//! The host's OAuth2 token endpoint (RFC 6749): the password flow against a
//! users file and the client-credentials flow against a clients file (see
//! `accounts`), issuing signed JWTs with the granted scopes.

use std::path::Path;

use base64::Engine as _;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, Method, StatusCode};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde_json::json;

use super::AuthError;
use super::accounts::{self, Account, hash_secret, verify_secret};
use super::jwt::JwtVerifier;
use crate::manifest::TokenEndpointSettings;
use crate::reply::{self, Reply};

/// Form bodies larger than this are refused.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// The token endpoint.
pub struct TokenEndpoint {
    path: String,
    users: Vec<Account>,
    clients: Vec<Account>,
    algorithm: Algorithm,
    key: EncodingKey,
    issuer: String,
    audience: String,
    lifetime_seconds: u64,
    /// Verified against when the user is unknown, so that the answer takes as
    /// long as for a wrong password.
    decoy_hash: String,
}

/// A token request's answer before it is a response.
struct Refusal {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl Refusal {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Refusal {
            status,
            error,
            description: description.into(),
        }
    }
}

impl TokenEndpoint {
    /// Loads the endpoint's files and keys; also returns the verifier for its
    /// tokens.
    pub(crate) fn load(
        settings: &TokenEndpointSettings,
    ) -> Result<(TokenEndpoint, JwtVerifier), AuthError> {
        let problem = |path: &Path, reason: String| AuthError::TokenEndpoint {
            path: path.to_owned(),
            reason,
        };
        let read = |path: &Path| {
            std::fs::read(path).map_err(|error| problem(path, format!("cannot read it: {error}")))
        };
        let users = match &settings.users {
            Some(path) => accounts::users(path)?,
            None => Vec::new(),
        };
        let clients = match &settings.clients {
            Some(path) => accounts::clients(path)?,
            None => Vec::new(),
        };
        let (key, decoding) = match &settings.key {
            None => {
                let secret = super::random_token(32).map_err(|error| AuthError::TokenEndpoint {
                    path: settings.path.clone().into(),
                    reason: format!("cannot make a signing secret: {error}"),
                })?;
                let unusable = |error: jsonwebtoken::errors::Error| AuthError::TokenEndpoint {
                    path: settings.path.clone().into(),
                    reason: format!("cannot use the signing secret: {error}"),
                };
                (
                    EncodingKey::from_secret(secret.as_bytes()).map_err(unusable)?,
                    DecodingKey::from_secret(secret.as_bytes()).map_err(unusable)?,
                )
            }
            Some(path) => signing_keys(settings, path, &read(path)?)
                .map_err(|reason| problem(path, reason))?,
        };
        let verifier = JwtVerifier::with_key(
            settings.algorithm,
            decoding,
            &settings.issuer,
            &settings.audience,
        );
        let endpoint = TokenEndpoint {
            path: settings.path.clone(),
            users,
            clients,
            algorithm: settings.algorithm,
            key,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            lifetime_seconds: settings.lifetime_seconds,
            decoy_hash: hash_secret("decoy").map_err(|reason| AuthError::TokenEndpoint {
                path: settings.path.clone().into(),
                reason,
            })?,
        };
        Ok((endpoint, verifier))
    }

    /// The endpoint alone, as `[auth.token_endpoint]` configures it (for
    /// signing tokens outside a server, as `wafer auth token` does).
    pub fn from_settings(settings: &TokenEndpointSettings) -> Result<TokenEndpoint, AuthError> {
        Ok(TokenEndpoint::load(settings)?.0)
    }

    /// Where the endpoint is served.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A signed token for `subject` with `scopes`, as the endpoint issues.
    pub fn mint(&self, subject: &str, scopes: &[String]) -> Result<String, String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = json!({
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "exp": now + self.lifetime_seconds,
            "scope": scopes.join(" "),
        });
        jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.key)
            .map_err(|error| format!("cannot sign the token: {error}"))
    }

    /// Answers a request to the endpoint's path.
    pub async fn respond<B>(&self, request: http::Request<B>) -> Reply
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match self.token(request).await {
            Ok(body) => json_response(StatusCode::OK, &body, None),
            Err(refusal) => {
                let challenge = (refusal.status == StatusCode::UNAUTHORIZED)
                    .then_some(HeaderValue::from_static("Basic"));
                json_response(
                    refusal.status,
                    &json!({ "error": refusal.error, "error_description": refusal.description }),
                    challenge,
                )
            }
        }
    }

    async fn token<B>(&self, request: http::Request<B>) -> Result<serde_json::Value, Refusal>
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let TokenRequest { form, basic } = TokenRequest::read(request).await?;
        let field = |name: &str| {
            form.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let requested: Vec<String> = field("scope")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let account = match field("grant_type") {
            Some("password") => {
                let (Some(username), Some(password)) = (field("username"), field("password"))
                else {
                    return Err(Refusal::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "The password grant needs username and password",
                    ));
                };
                self.authenticate(&self.users, username, password)
                    .await
                    .ok_or_else(|| {
                        Refusal::new(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Incorrect username or password",
                        )
                    })?
            }
            Some("client_credentials") => {
                let (id, secret) = match (field("client_id"), field("client_secret"), &basic) {
                    (Some(id), Some(secret), _) => (id, secret),
                    (_, _, Some((id, secret))) => (id.as_str(), secret.as_str()),
                    _ => {
                        return Err(Refusal::new(
                            StatusCode::UNAUTHORIZED,
                            "invalid_client",
                            "Give client_id and client_secret",
                        ));
                    }
                };
                self.authenticate(&self.clients, id, secret)
                    .await
                    .ok_or_else(|| {
                        Refusal::new(
                            StatusCode::UNAUTHORIZED,
                            "invalid_client",
                            "Unknown client or wrong secret",
                        )
                    })?
            }
            Some(other) => {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    format!(
                        "Grant type {other:?} is not supported: use password or client_credentials"
                    ),
                ));
            }
            None => {
                return Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The form has no grant_type",
                ));
            }
        };
        self.grant(account, requested)
    }

    /// The account named `name` if `secret` is its secret. An unknown name
    /// costs as long as a wrong secret.
    async fn authenticate<'a>(
        &self,
        accounts: &'a [Account],
        name: &str,
        secret: &str,
    ) -> Option<&'a Account> {
        let account = accounts.iter().find(|account| account.name == name);
        let hash = account.map_or(self.decoy_hash.as_str(), |account| &account.hash);
        let verified = verify_secret(secret, hash).await;
        account.filter(|_| verified)
    }

    /// A token for `account` with the `requested` scopes (all of its scopes
    /// if none), if it has them.
    fn grant(
        &self,
        account: &Account,
        requested: Vec<String>,
    ) -> Result<serde_json::Value, Refusal> {
        let allowed = &account.scopes;
        if let Some(refused) = requested.iter().find(|scope| !allowed.contains(scope)) {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                format!("Scope {refused:?} is not granted to {:?}", account.name),
            ));
        }
        let granted = if requested.is_empty() {
            allowed.clone()
        } else {
            requested
        };
        let token = self.mint(&account.name, &granted).map_err(|reason| {
            Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", reason)
        })?;
        Ok(json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.lifetime_seconds,
            "scope": granted.join(" "),
        }))
    }
}

/// What a token request carries: its form, and HTTP Basic credentials.
struct TokenRequest {
    form: Vec<(String, String)>,
    basic: Option<(String, String)>,
}

impl TokenRequest {
    /// Reads a `POST` of a form of at most [`MAX_FORM_BYTES`].
    async fn read<B>(request: http::Request<B>) -> Result<TokenRequest, Refusal>
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        if request.method() != Method::POST {
            return Err(Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request",
                "Use POST with a form body",
            ));
        }
        let is_form = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The body must be application/x-www-form-urlencoded",
            ));
        }
        let basic = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| basic_credentials(value.to_str().ok()?));
        let body = http_body_util::Limited::new(request.into_body(), MAX_FORM_BYTES);
        let body = http_body_util::BodyExt::collect(body)
            .await
            .map_err(|_| {
                Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    format!("The form must be under {MAX_FORM_BYTES} bytes"),
                )
            })?
            .to_bytes();
        Ok(TokenRequest {
            form: form_urlencoded::parse(&body).into_owned().collect(),
            basic,
        })
    }
}

fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |text: &str| {
        form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

fn signing_keys(
    settings: &TokenEndpointSettings,
    path: &Path,
    bytes: &[u8],
) -> Result<(EncodingKey, DecodingKey), String> {
    use jsonwebtoken::AlgorithmFamily::*;
    let public = || -> Result<Vec<u8>, String> {
        let public = settings
            .public_key
            .as_deref()
            .ok_or_else(|| "no `public_key` to check the tokens with".to_owned())?;
        std::fs::read(public).map_err(|error| format!("cannot read {}: {error}", public.display()))
    };
    let bad = |error: jsonwebtoken::errors::Error| {
        format!(
            "not a key for {:?} ({}): {error}",
            settings.algorithm,
            path.display()
        )
    };
    Ok(match settings.algorithm.family() {
        Hmac => (
            EncodingKey::from_secret(bytes.trim_ascii_end()).map_err(bad)?,
            DecodingKey::from_secret(bytes.trim_ascii_end()).map_err(bad)?,
        ),
        Rsa => (
            EncodingKey::from_rsa_pem(bytes).map_err(bad)?,
            DecodingKey::from_rsa_pem(&public()?).map_err(bad)?,
        ),
        Ec => (
            EncodingKey::from_ec_pem(bytes).map_err(bad)?,
            DecodingKey::from_ec_pem(&public()?).map_err(bad)?,
        ),
        Ed => (
            EncodingKey::from_ed_pem(bytes).map_err(bad)?,
            DecodingKey::from_ed_pem(&public()?).map_err(bad)?,
        ),
    })
}

fn json_response(
    status: StatusCode,
    body: &serde_json::Value,
    challenge: Option<HeaderValue>,
) -> Reply {
    let mut response = reply::json(status, body.to_string());
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(challenge) = challenge {
        headers.insert(WWW_AUTHENTICATE, challenge);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_decoded() {
        let header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("my%20app:s3cr%3At")
        );
        assert_eq!(
            basic_credentials(&header),
            Some(("my app".to_owned(), "s3cr:t".to_owned()))
        );
        assert_eq!(basic_credentials("Bearer x"), None);
    }
}
