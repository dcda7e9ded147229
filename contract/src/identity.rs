//! The forwarded identity: how the host hands the claims it verified to its
//! guests, so that no client can forge them.
//!
//! The host signs the verified claims, by scheme name, into an HS256 JWT in
//! the [`IDENTITY_HEADER`] request header. The key is a random secret the host
//! makes for each component (at start, and on each reload), which the
//! component's instances read from their environment ([`IDENTITY_SECRET_ENV`])
//! and nobody else knows. The token names the component (`aud`) and the
//! request (`rid`, its [`REQUEST_ID_HEADER`]), and lives as long as the
//! request may: it is no use to another component, to another request, or
//! later. Clients cannot forge the header: the host removes every inbound
//! `wafer-*` header, and a guest running elsewhere has no secret and ignores
//! the header.
//!
//! ```
//! use std::time::Duration;
//! use serde_json::json;
//! use wafer_contract::identity::{IdentitySigner, verify};
//!
//! let signer = IdentitySigner::new(b"the component's secret").unwrap();
//! let mut identities = serde_json::Map::new();
//! identities.insert("bearer".into(), json!({"sub": "ann"}));
//! let header = signer
//!     .sign(identities.clone(), "items", "req-1", Duration::from_secs(30))
//!     .unwrap();
//!
//! assert_eq!(verify(&header, b"the component's secret", "req-1"), Ok(identities));
//! assert!(verify(&header, b"the component's secret", "req-2").is_err());
//! assert!(verify(&header, b"another secret", "req-1").is_err());
//! ```

#[cfg(feature = "jwt")]
pub use self::jwt::{IdentitySigner, InvalidIdentity, verify};

/// The request header that carries the forwarded identity.
pub const IDENTITY_HEADER: &str = "wafer-identity";

/// The guest environment variable that holds the secret the identity is
/// signed with. Only the Wafer host sets it.
pub const IDENTITY_SECRET_ENV: &str = "WAFER_IDENTITY_SECRET";

/// The prefix of the request headers only the host may send to a guest: it
/// removes every inbound header of this prefix.
pub const RESERVED_HEADER_PREFIX: &str = "wafer-";

/// The request header with the request's id, which the host sets on every
/// request it hands to a guest (the client's, if it sent a usable one).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

#[cfg(feature = "jwt")]
mod jwt {
    use std::time::Duration;

    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use serde_json::{Map, Value, json};

    /// The forwarded identity's `iss`.
    const ISSUER: &str = "wafer-host";

    const ALGORITHM: Algorithm = Algorithm::HS256;

    /// Why a forwarded identity is not accepted.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct InvalidIdentity;

    impl std::fmt::Display for InvalidIdentity {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the forwarded identity does not verify")
        }
    }

    impl std::error::Error for InvalidIdentity {}

    /// Signs forwarded identities with a component's secret.
    pub struct IdentitySigner {
        key: EncodingKey,
    }

    impl IdentitySigner {
        /// A signer with this secret.
        pub fn new(secret: &[u8]) -> Result<IdentitySigner, jsonwebtoken::errors::Error> {
            Ok(IdentitySigner {
                key: EncodingKey::from_secret(secret)?,
            })
        }

        /// The header value for these identities (verified claims by scheme
        /// name), for request `request_id` to component `component`, valid
        /// for `lifetime` (in whole seconds, rounded up).
        pub fn sign(
            &self,
            identities: Map<String, Value>,
            component: &str,
            request_id: &str,
            lifetime: Duration,
        ) -> Result<String, jsonwebtoken::errors::Error> {
            let seconds = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
            let claims = json!({
                "iss": ISSUER,
                "aud": component,
                "rid": request_id,
                "exp": jsonwebtoken::get_current_timestamp() + seconds.max(1),
                "identities": identities,
            });
            jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.key)
        }
    }

    /// The identities (verified claims by scheme name) in a header value the
    /// host signed with `secret` for the request `request_id`, unless it has
    /// expired (without leeway: host and guest read one clock).
    pub fn verify(
        header: &str,
        secret: &[u8],
        request_id: &str,
    ) -> Result<Map<String, Value>, InvalidIdentity> {
        let key = DecodingKey::from_secret(secret).map_err(|_| InvalidIdentity)?;
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        // The secret is the component's own: it binds the token to the
        // component, whose name the guest need not know.
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<Value>(header, &key, &validation)
            .map_err(|_| InvalidIdentity)?;
        if data.claims.get("rid").and_then(Value::as_str) != Some(request_id) {
            return Err(InvalidIdentity);
        }
        match data.claims.get("identities") {
            Some(Value::Object(identities)) => Ok(identities.clone()),
            _ => Err(InvalidIdentity),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn signed(claims: Value) -> String {
            let key = EncodingKey::from_secret(b"s").expect("key");
            jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &key).expect("sign")
        }

        #[test]
        fn only_a_current_identity_of_the_host_for_the_request_verifies() {
            let now = jsonwebtoken::get_current_timestamp();
            let exp = now + 60;
            let identity = |claims: Value| {
                let mut base = json!({"iss": ISSUER, "rid": "r", "exp": exp, "identities": {}});
                base.as_object_mut()
                    .expect("an object")
                    .extend(claims.as_object().cloned().unwrap_or_default());
                base
            };
            assert!(verify(&signed(identity(json!({}))), b"s", "r").is_ok());
            for bad in [
                identity(json!({"iss": "someone"})),
                identity(json!({"exp": now - 1})),
                identity(json!({"exp": null})),
                identity(json!({"identities": ["b"]})),
                identity(json!({"identities": null})),
                identity(json!({"rid": "other"})),
                identity(json!({"rid": 5})),
            ] {
                assert_eq!(
                    verify(&signed(bad.clone()), b"s", "r"),
                    Err(InvalidIdentity),
                    "{bad}"
                );
            }
            let other_algorithm = jsonwebtoken::encode(
                &Header::new(Algorithm::HS512),
                &identity(json!({})),
                &EncodingKey::from_secret(b"s").expect("key"),
            )
            .expect("sign");
            assert!(verify(&other_algorithm, b"s", "r").is_err());
            assert!(verify("not a token", b"s", "r").is_err());
        }

        #[test]
        fn a_signed_identity_names_its_component_and_request_and_lives_its_time() {
            let signer = IdentitySigner::new(b"s").expect("signer");
            let header = signer
                .sign(Map::new(), "items", "r", Duration::from_millis(2500))
                .expect("sign");
            let mut validation = Validation::new(ALGORITHM);
            validation.validate_aud = false;
            let claims = jsonwebtoken::decode::<Value>(
                &header,
                &DecodingKey::from_secret(b"s").expect("key"),
                &validation,
            )
            .expect("decode")
            .claims;
            assert_eq!(
                (claims["aud"].as_str(), claims["rid"].as_str()),
                (Some("items"), Some("r"))
            );
            let now = jsonwebtoken::get_current_timestamp();
            let lives = claims["exp"]
                .as_u64()
                .unwrap_or_default()
                .saturating_sub(now);
            assert!((2..=3).contains(&lives), "{lives} s");
        }
    }
}
