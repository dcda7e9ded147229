//! Security at the edge: the host checks each request against the security
//! requirements of its operation, as the component's own OpenAPI document
//! declares them, before any guest instance exists; it forwards the verified
//! identity to the guest in a header no client can forge; and it can issue
//! tokens itself.
//!
//! The manifest's `[auth]` section says how each scheme is checked (see
//! [`AuthSettings`](crate::manifest::AuthSettings)). Layers: `credentials`
//! finds a credential in a request; `jwt`, `api_keys` and `basic` verify
//! one; `operations` finds a request's operation and its requirements, with the
//! path rules of [`wafer_contract`]; `identity` signs what is forwarded;
//! [`token`] is the OAuth2 token endpoint. [`Gate`] puts them together;
//! what it refuses is a [`Reply`](crate::reply::Reply) that the server
//! sends.

mod accounts;
mod api_keys;
mod basic;
mod credentials;
mod gate;
mod identity;
mod jwt;
mod operations;
mod throttle;
pub mod token;

use std::path::PathBuf;

use base64::Engine as _;
use thiserror::Error;

pub use accounts::hash_secret;
pub use api_keys::hash_api_key;
pub use gate::{Admitted, ComponentGate, Gate, Verdict};

/// A problem with the security configuration, found at start-up.
#[derive(Debug, Error)]
pub enum AuthError {
    /// A component requires a scheme the manifest does not configure, or one
    /// the host cannot check.
    #[error("component {component:?}: security scheme {scheme:?}: {reason}")]
    Scheme {
        /// The component.
        component: String,
        /// The scheme's name in its document.
        scheme: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A key or key file of a scheme is unusable.
    #[error("auth.schemes.{scheme}: {}: {reason}", path.display())]
    Key {
        /// The scheme.
        scheme: String,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A file of the token endpoint is unusable.
    #[error("auth.token_endpoint: {}: {reason}", path.display())]
    TokenEndpoint {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// A new random API key's secret part (256 bits, URL-safe).
pub fn random_key() -> anyhow::Result<String> {
    random_token(32)
}

/// A URL-safe random string of `bytes` random bytes.
pub(crate) fn random_token(bytes: usize) -> anyhow::Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer))
}
