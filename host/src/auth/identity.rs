//! Handing the verified identity to the guest so that no client can forge it:
//! the host's half of [`wafer_contract::identity`], whose rules the SDK
//! verifies with. The secret is random, made for each component of each
//! deployment, and reaches only the host and that component's environment.

use std::time::Duration;

use http::HeaderValue;
use serde_json::{Map, Value};
use wafer_contract::identity::{IDENTITY_SECRET_ENV, IdentitySigner as Signer};

/// Signs forwarded identities with a secret of its own.
pub(crate) struct IdentitySigner {
    secret: String,
    signer: Signer,
}

impl IdentitySigner {
    /// A signer with a fresh random secret.
    pub(crate) fn random() -> anyhow::Result<IdentitySigner> {
        let secret = super::random_token(32)?;
        let signer = Signer::new(secret.as_bytes())?;
        Ok(IdentitySigner { secret, signer })
    }

    /// The guest's environment variable that holds the secret.
    pub(crate) fn guest_env(&self) -> (String, String) {
        (IDENTITY_SECRET_ENV.to_owned(), self.secret.clone())
    }

    /// The `wafer-identity` header value for these identities (claims by
    /// scheme name), for request `request_id` to `component`, valid for
    /// `lifetime`.
    pub(crate) fn sign(
        &self,
        identities: Map<String, Value>,
        component: &str,
        request_id: &str,
        lifetime: Duration,
    ) -> Option<HeaderValue> {
        let token = self
            .signer
            .sign(identities, component, request_id, lifetime)
            .ok()?;
        HeaderValue::try_from(token).ok()
    }
}
