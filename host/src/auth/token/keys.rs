//! The keys the token endpoint signs with: the manifest's, or one random
//! secret for the life of the process, so that a reload does not invalidate
//! the tokens issued before it.

use std::path::Path;
use std::sync::OnceLock;

use jsonwebtoken::{DecodingKey, EncodingKey};

use crate::auth::AuthError;
use crate::manifest::TokenEndpointSettings;

/// The keys to sign with and check with, as the settings say.
pub(super) fn keys(
    settings: &TokenEndpointSettings,
) -> Result<(EncodingKey, DecodingKey), AuthError> {
    let problem = |path: &Path, reason: String| AuthError::TokenEndpoint {
        path: path.to_owned(),
        reason,
    };
    let Some(path) = &settings.key else {
        let secret =
            process_secret().map_err(|reason| problem(Path::new(&settings.path), reason))?;
        let unusable = |error: jsonwebtoken::errors::Error| {
            problem(
                Path::new(&settings.path),
                format!("cannot use the signing secret: {error}"),
            )
        };
        return Ok((
            EncodingKey::from_secret(secret).map_err(unusable)?,
            DecodingKey::from_secret(secret).map_err(unusable)?,
        ));
    };
    let bytes =
        std::fs::read(path).map_err(|error| problem(path, format!("cannot read it: {error}")))?;
    signing_keys(settings, path, &bytes).map_err(|reason| problem(path, reason))
}

/// The random HMAC secret of this process, made on first use.
fn process_secret() -> Result<&'static [u8], String> {
    static SECRET: OnceLock<String> = OnceLock::new();
    if SECRET.get().is_none() {
        let secret = crate::auth::random_token(32)
            .map_err(|error| format!("cannot make a signing secret: {error}"))?;
        // Another thread may have won: its secret stands.
        let _ = SECRET.set(secret);
    }
    SECRET
        .get()
        .map(String::as_bytes)
        .ok_or_else(|| "cannot keep the signing secret".to_owned())
}

/// The keys in the file at `path`, and in `public_key` for an asymmetric
/// algorithm.
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
