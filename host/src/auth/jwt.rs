//! Checking bearer JWTs: signature with a configured key, algorithm from the
//! accepted list only, `exp`, `nbf`, issuer and audience.

use std::path::Path;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde_json::Value;

use wafer_contract::credentials::MAX_TOKEN_LENGTH;

use super::AuthError;
use crate::manifest::JwtSettings;

/// Why a token was refused, for the `error_description` of the 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Malformed,
    TooLong,
    Algorithm,
    UnknownKey,
    Signature,
    Expired,
    NotYetValid,
    Issuer,
    Audience,
}

impl TokenProblem {
    pub(crate) fn description(self) -> &'static str {
        match self {
            TokenProblem::Malformed => "The token is malformed",
            TokenProblem::TooLong => "The token is too long",
            TokenProblem::Algorithm => "The token's algorithm is not accepted",
            TokenProblem::UnknownKey => "The token's key is unknown",
            TokenProblem::Signature => "The token's signature is invalid",
            TokenProblem::Expired => "The token has expired",
            TokenProblem::NotYetValid => "The token is not valid yet",
            TokenProblem::Issuer => "The token's issuer is not accepted",
            TokenProblem::Audience => "The token's audience is not accepted",
        }
    }
}

struct Key {
    kid: Option<String>,
    family: AlgorithmFamily,
    key: DecodingKey,
}

/// Checks the tokens of one scheme.
pub(crate) struct JwtVerifier {
    keys: Vec<Key>,
    /// One per accepted algorithm: jsonwebtoken wants every algorithm of a
    /// validation to be of the key's family.
    validations: Vec<(Algorithm, Validation)>,
}

impl JwtVerifier {
    /// Loads the keys a scheme's settings name.
    pub(crate) fn load(scheme: &str, settings: &JwtSettings) -> Result<JwtVerifier, AuthError> {
        let families: Vec<AlgorithmFamily> =
            settings.algorithms.iter().map(|alg| alg.family()).collect();
        let mut keys = Vec::new();
        for path in &settings.keys {
            let bytes = read(scheme, path)?;
            let loaded = keys_from_file(&bytes, &families);
            if loaded.is_empty() {
                return Err(AuthError::Key {
                    scheme: scheme.to_owned(),
                    path: path.clone(),
                    reason: format!(
                        "no key usable with {:?}: give a PEM public key (RSA, EC or Ed25519) \
                         for those algorithms, or a file holding the HMAC secret for HS*",
                        settings.algorithms
                    ),
                });
            }
            keys.extend(loaded);
        }
        if let Some(path) = &settings.jwks {
            let set: JwkSet =
                serde_json::from_slice(&read(scheme, path)?).map_err(|error| AuthError::Key {
                    scheme: scheme.to_owned(),
                    path: path.clone(),
                    reason: format!("not a JWKS document: {error}"),
                })?;
            for jwk in &set.keys {
                let key = DecodingKey::from_jwk(jwk).map_err(|error| AuthError::Key {
                    scheme: scheme.to_owned(),
                    path: path.clone(),
                    reason: format!(
                        "key {:?} is not usable: {error}",
                        jwk.common.key_id.as_deref().unwrap_or("without kid")
                    ),
                })?;
                if families.contains(&key.family()) {
                    keys.push(Key {
                        kid: jwk.common.key_id.clone(),
                        family: key.family(),
                        key,
                    });
                }
            }
        }
        let validations = settings
            .algorithms
            .iter()
            .map(|algorithm| {
                let mut validation = Validation::new(*algorithm);
                validation.leeway = settings.leeway_seconds;
                validation.validate_nbf = true;
                validation.validate_aud = settings.audience.is_some();
                if let Some(audience) = &settings.audience {
                    validation.set_audience(&[audience]);
                }
                if let Some(issuer) = &settings.issuer {
                    validation.set_issuer(&[issuer]);
                }
                (*algorithm, validation)
            })
            .collect();
        Ok(JwtVerifier { keys, validations })
    }

    /// A verifier for the tokens the host itself signs.
    pub(crate) fn with_key(
        algorithm: Algorithm,
        key: DecodingKey,
        issuer: &str,
        audience: &str,
    ) -> JwtVerifier {
        let mut validation = Validation::new(algorithm);
        validation.validate_nbf = true;
        validation.leeway = crate::manifest::DEFAULT_LEEWAY_SECONDS;
        validation.set_audience(&[audience]);
        validation.set_issuer(&[issuer]);
        JwtVerifier {
            keys: vec![Key {
                kid: None,
                family: algorithm.family(),
                key,
            }],
            validations: vec![(algorithm, validation)],
        }
    }

    /// The token's claims, if it is acceptable.
    pub(crate) fn verify(&self, token: &str) -> Result<Value, TokenProblem> {
        if token.len() > MAX_TOKEN_LENGTH {
            return Err(TokenProblem::TooLong);
        }
        // Refuses `alg: none` and algorithms jsonwebtoken does not know.
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenProblem::Malformed)?;
        let Some((_, validation)) = self
            .validations
            .iter()
            .find(|(algorithm, _)| *algorithm == header.alg)
        else {
            return Err(TokenProblem::Algorithm);
        };
        let family = header.alg.family();
        let candidates: Vec<&Key> = self
            .keys
            .iter()
            .filter(|key| key.family == family)
            .filter(|key| match (&header.kid, &key.kid) {
                (Some(wanted), Some(kid)) => wanted == kid,
                _ => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(TokenProblem::UnknownKey);
        }
        let mut problem = TokenProblem::Signature;
        for key in candidates {
            match jsonwebtoken::decode::<Value>(token, &key.key, validation) {
                Ok(data) => return Ok(data.claims),
                Err(error) => {
                    problem = match error.kind() {
                        ErrorKind::InvalidSignature => continue,
                        ErrorKind::ExpiredSignature => TokenProblem::Expired,
                        ErrorKind::ImmatureSignature => TokenProblem::NotYetValid,
                        ErrorKind::InvalidIssuer => TokenProblem::Issuer,
                        ErrorKind::InvalidAudience => TokenProblem::Audience,
                        ErrorKind::InvalidAlgorithm => TokenProblem::Algorithm,
                        _ => TokenProblem::Malformed,
                    };
                    // The signature was good (claims are checked after it):
                    // another key will not change the verdict.
                    break;
                }
            }
        }
        Err(problem)
    }
}

fn read(scheme: &str, path: &Path) -> Result<Vec<u8>, AuthError> {
    std::fs::read(path).map_err(|error| AuthError::Key {
        scheme: scheme.to_owned(),
        path: path.to_owned(),
        reason: format!("cannot read it: {error}"),
    })
}

/// The keys in one file for the accepted families. A PEM file is only ever a
/// public key and anything else only an HMAC secret, so an RSA public key can
/// never double as an HMAC secret (the classic key-confusion attack).
fn keys_from_file(bytes: &[u8], families: &[AlgorithmFamily]) -> Vec<Key> {
    let mut keys = Vec::new();
    let is_pem = bytes.trim_ascii_start().starts_with(b"-----BEGIN");
    for family in families {
        let key = match (family, is_pem) {
            (AlgorithmFamily::Hmac, false) => DecodingKey::from_secret(bytes.trim_ascii_end()).ok(),
            (AlgorithmFamily::Rsa, true) => DecodingKey::from_rsa_pem(bytes).ok(),
            (AlgorithmFamily::Ec, true) => DecodingKey::from_ec_pem(bytes).ok(),
            (AlgorithmFamily::Ed, true) => DecodingKey::from_ed_pem(bytes).ok(),
            _ => None,
        };
        if let Some(key) = key
            && !keys.iter().any(|k: &Key| k.family == *family)
        {
            keys.push(Key {
                kid: None,
                family: *family,
                key,
            });
        }
    }
    keys
}
