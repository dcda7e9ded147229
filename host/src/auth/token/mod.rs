//! The host's OAuth2 token endpoint (RFC 6749): the password flow against a
//! users file and the client-credentials flow against a clients file (see
//! `accounts`), issuing signed JWTs with the granted scopes.
//!
//! What a client cannot exhaust: the form must arrive within
//! `body_timeout_ms` (408) and be at most 16 KiB; each client address and
//! each account may try `client_logins_per_minute` and
//! `account_logins_per_minute` logins (429); and no more argon2 checks run
//! at once, host-wide, than there are cores (503).

mod keys;
mod request;

use std::num::NonZeroU32;
use std::time::Duration;

use http::header::{CACHE_CONTROL, CONNECTION, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::AuthError;
use super::accounts::{self, Account, CLIENT_SUBJECT_PREFIX, decoy_hash, verify_secret};
use super::jwt::JwtVerifier;
use super::throttle::LoginThrottle;
use crate::manifest::TokenEndpointSettings;
use crate::peer::Peer;
use crate::reply::{self, Reply};
use request::TokenRequest;

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
    /// Checked against when the user or client is unknown, so that the
    /// answer takes as long as for a wrong secret: one with the users'
    /// cost, one with the clients'.
    decoys: [String; 2],
    throttle: LoginThrottle,
    body_timeout: Duration,
}

/// A token request's answer before it is a response.
struct Refusal {
    status: StatusCode,
    error: &'static str,
    description: String,
    retry_after: Option<Duration>,
    /// Whether the connection is closed after it (the rest of the request
    /// was not read).
    close: bool,
}

impl Refusal {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Refusal {
            status,
            error,
            description: description.into(),
            retry_after: None,
            close: false,
        }
    }

    fn retry_after(self, wait: Duration) -> Self {
        Refusal {
            retry_after: Some(wait),
            ..self
        }
    }

    fn closing(self) -> Self {
        Refusal {
            close: true,
            ..self
        }
    }
}

/// Who asks for a token, and with what.
enum Grant<'r> {
    Password {
        username: &'r str,
        password: &'r str,
    },
    Client {
        id: &'r str,
        secret: &'r str,
    },
}

impl TokenEndpoint {
    /// Loads the endpoint's files and keys; also returns the verifier for its
    /// tokens.
    pub(crate) fn load(
        settings: &TokenEndpointSettings,
    ) -> Result<(TokenEndpoint, JwtVerifier), AuthError> {
        let users = match &settings.users {
            Some(path) => accounts::users(path)?,
            None => Vec::new(),
        };
        let clients = match &settings.clients {
            Some(path) => accounts::clients(path)?,
            None => Vec::new(),
        };
        let (key, decoding) = keys::keys(settings)?;
        let verifier = JwtVerifier::with_key(
            settings.algorithm,
            decoding,
            &settings.issuer,
            &settings.audience,
        );
        let unusable = |reason: String| AuthError::TokenEndpoint {
            path: settings.path.clone().into(),
            reason,
        };
        let per_minute = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        let endpoint = TokenEndpoint {
            path: settings.path.clone(),
            decoys: [
                decoy_hash(&users).map_err(unusable)?,
                decoy_hash(&clients).map_err(unusable)?,
            ],
            users,
            clients,
            algorithm: settings.algorithm,
            key,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            lifetime_seconds: settings.lifetime_seconds,
            throttle: LoginThrottle::new(
                per_minute(settings.client_logins_per_minute),
                per_minute(settings.account_logins_per_minute),
            ),
            body_timeout: settings.body_timeout,
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
        self.sign(json!({ "sub": subject }), scopes)
    }

    /// Signs `claims` with the endpoint's issuer, audience, times and scopes.
    fn sign(&self, mut claims: Value, scopes: &[String]) -> Result<String, String> {
        let now = jsonwebtoken::get_current_timestamp();
        claims["iss"] = json!(self.issuer);
        claims["aud"] = json!(self.audience);
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + self.lifetime_seconds);
        claims["scope"] = json!(scopes.join(" "));
        jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.key)
            .map_err(|error| format!("cannot sign the token: {error}"))
    }

    /// Answers a request to the endpoint's path from `peer`.
    pub async fn respond<B>(&self, request: http::Request<B>, peer: Peer) -> Reply
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        match self.token(request, peer).await {
            Ok(body) => json_response(StatusCode::OK, &body),
            Err(refusal) => {
                let mut reply = json_response(
                    refusal.status,
                    &json!({ "error": refusal.error, "error_description": refusal.description }),
                );
                let headers = reply.headers_mut();
                if refusal.status == StatusCode::UNAUTHORIZED {
                    headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
                }
                if let Some(wait) = refusal.retry_after {
                    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                    headers.insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
                }
                if refusal.close {
                    headers.insert(CONNECTION, HeaderValue::from_static("close"));
                }
                reply
            }
        }
    }

    async fn token<B>(&self, request: http::Request<B>, peer: Peer) -> Result<Value, Refusal>
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let request = TokenRequest::read(request, self.body_timeout).await?;
        let requested: Vec<String> = request
            .field("scope")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let grant = grant(&request)?;
        let (name, accounts, decoy) = match grant {
            Grant::Password { username, .. } => (username, &self.users, &self.decoys[0]),
            Grant::Client { id, .. } => (id, &self.clients, &self.decoys[1]),
        };
        let account = accounts.iter().find(|account| account.name == name);
        self.throttle
            .admit(Some(peer.ip), account.map(|a| a.name.as_str()))
            .map_err(|throttled| {
                let whose = match throttled.by {
                    "client" => "from this address".to_owned(),
                    _ => format!("for {name:?}"),
                };
                Refusal::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    format!("Too many logins {whose}: try again later"),
                )
                .retry_after(throttled.retry_after)
            })?;
        let secret = match grant {
            Grant::Password { password, .. } => password,
            Grant::Client { secret, .. } => secret,
        };
        // An unknown name is checked against the decoy: it costs the same.
        let hash = account.map_or(decoy.as_str(), |account| &account.hash);
        let verified = verify_secret(secret, hash).await.map_err(|_| {
            Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "Too many logins at once: try again",
            )
            .retry_after(Duration::from_secs(1))
        })?;
        match (account, grant) {
            (Some(user), Grant::Password { .. }) if verified => {
                self.grant(json!({ "sub": user.name }), user, requested)
            }
            (Some(client), Grant::Client { .. }) if verified => {
                let subject = format!("{CLIENT_SUBJECT_PREFIX}{}", client.name);
                self.grant(
                    json!({ "sub": subject, "client_id": client.name }),
                    client,
                    requested,
                )
            }
            (_, Grant::Password { .. }) => Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Incorrect username or password",
            )),
            (_, Grant::Client { .. }) => Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Unknown client or wrong secret",
            )),
        }
    }

    /// A token with `claims` for `account` with the `requested` scopes (all
    /// of its scopes if none), if it has them.
    fn grant(
        &self,
        claims: Value,
        account: &Account,
        requested: Vec<String>,
    ) -> Result<Value, Refusal> {
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
        let token = self.sign(claims, &granted).map_err(|reason| {
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

/// The grant the form asks for, with its credentials.
fn grant(request: &TokenRequest) -> Result<Grant<'_>, Refusal> {
    match request.field("grant_type") {
        Some("password") => match (request.field("username"), request.field("password")) {
            (Some(username), Some(password)) => Ok(Grant::Password { username, password }),
            _ => Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The password grant needs username and password",
            )),
        },
        Some("client_credentials") => {
            match (
                request.field("client_id"),
                request.field("client_secret"),
                &request.basic,
            ) {
                (Some(id), Some(secret), _) => Ok(Grant::Client { id, secret }),
                (_, _, Some((id, secret))) => Ok(Grant::Client { id, secret }),
                _ => Err(Refusal::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Give client_id and client_secret",
                )),
            }
        }
        Some(other) => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Grant type {other:?} is not supported: use password or client_credentials"),
        )),
        None => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The form has no grant_type",
        )),
    }
}

/// The endpoint's JSON answers: never cached (RFC 6749, 5.1).
fn json_response(status: StatusCode, body: &Value) -> Reply {
    let mut response = reply::json(status, body.to_string());
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
