//! Handing the verified identity to the guest so that no client can forge it.
//!
//! The host signs the identities it verified into a short-lived HS256 JWT in
//! the `wafer-identity` request header. The key is a random secret made when
//! the host starts, which each guest instance reads from its environment
//! (`WAFER_IDENTITY_SECRET`) and nobody else knows. Clients cannot forge the
//! header: the host removes every inbound `wafer-*` header, and a guest
//! running elsewhere without the secret ignores the header altogether.

use http::HeaderValue;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

/// The request header that carries the identity.
pub const IDENTITY_HEADER: &str = "wafer-identity";

/// The guest environment variable that holds the secret.
pub const IDENTITY_SECRET_ENV: &str = "WAFER_IDENTITY_SECRET";

/// How long a forwarded identity is valid: a request's lifetime, at most.
const LIFETIME_SECONDS: u64 = 300;

/// Signs forwarded identities with this process's secret.
pub(crate) struct IdentitySigner {
    secret: String,
    key: EncodingKey,
}

impl IdentitySigner {
    /// A signer with a fresh random secret.
    pub(crate) fn random() -> anyhow::Result<IdentitySigner> {
        let secret = super::random_token(32)?;
        let key = EncodingKey::from_secret(secret.as_bytes())?;
        Ok(IdentitySigner { secret, key })
    }

    /// The secret, for the guests' environment.
    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }

    /// The header value for these identities (claims by scheme name).
    pub(crate) fn sign(&self, identities: Map<String, Value>) -> Option<HeaderValue> {
        let claims = json!({
            "iss": "wafer-host",
            "exp": jsonwebtoken::get_current_timestamp() + LIFETIME_SECONDS,
            "identities": identities,
        });
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key).ok()?;
        HeaderValue::from_str(&token).ok()
    }
}
