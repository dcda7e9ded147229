//! The forwarded identity: how the host hands the claims it verified to its
//! guests, so that no client can forge them.
//!
//! The host signs the verified claims, by scheme name, into a short-lived
//! HS256 JWT in the [`IDENTITY_HEADER`] request header. The key is a random
//! secret the host makes for each deployment (at start, and on each reload),
//! which each guest instance reads from its environment
//! ([`IDENTITY_SECRET_ENV`]) and nobody else knows. Clients cannot
//! forge the header: the host removes every inbound `wafer-*` header, and a
//! guest running elsewhere has no secret and ignores the header.
//!
//! ```
//! use serde_json::json;
//! use wafer_contract::identity::{IdentitySigner, verify};
//!
//! let signer = IdentitySigner::new(b"a per-process secret").unwrap();
//! let mut identities = serde_json::Map::new();
//! identities.insert("bearer".into(), json!({"sub": "ann"}));
//! let header = signer.sign(identities.clone()).unwrap();
//!
//! assert_eq!(verify(&header, b"a per-process secret"), Ok(identities));
//! assert!(verify(&header, b"another secret").is_err());
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

#[cfg(feature = "jwt")]
mod jwt {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use serde_json::{Map, Value, json};

    /// The forwarded identity's `iss`.
    const ISSUER: &str = "wafer-host";

    /// How long a forwarded identity is valid: a request's lifetime, at most.
    const LIFETIME_SECONDS: u64 = 300;

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

    /// Signs forwarded identities with the host's secret.
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

        /// The header value for these identities: verified claims by scheme name.
        pub fn sign(
            &self,
            identities: Map<String, Value>,
        ) -> Result<String, jsonwebtoken::errors::Error> {
            let claims = json!({
                "iss": ISSUER,
                "exp": jsonwebtoken::get_current_timestamp() + LIFETIME_SECONDS,
                "identities": identities,
            });
            jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.key)
        }
    }

    /// The identities (verified claims by scheme name) in a header value the
    /// host signed with `secret`.
    pub fn verify(header: &str, secret: &[u8]) -> Result<Map<String, Value>, InvalidIdentity> {
        let key = DecodingKey::from_secret(secret).map_err(|_| InvalidIdentity)?;
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        let data = jsonwebtoken::decode::<Value>(header, &key, &validation)
            .map_err(|_| InvalidIdentity)?;
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
        fn only_a_current_identity_of_the_host_verifies() {
            let exp = jsonwebtoken::get_current_timestamp() + 60;
            let good = json!({"iss": ISSUER, "exp": exp, "identities": {"b": {"sub": "ann"}}});
            assert!(verify(&signed(good), b"s").is_ok());
            for bad in [
                json!({"iss": "someone", "exp": exp, "identities": {}}),
                json!({"iss": ISSUER, "exp": 1, "identities": {}}),
                json!({"iss": ISSUER, "identities": {}}),
                json!({"iss": ISSUER, "exp": exp}),
                json!({"iss": ISSUER, "exp": exp, "identities": ["b"]}),
            ] {
                assert_eq!(
                    verify(&signed(bad.clone()), b"s"),
                    Err(InvalidIdentity),
                    "{bad}"
                );
            }
            let other_algorithm = jsonwebtoken::encode(
                &Header::new(Algorithm::HS512),
                &json!({"iss": ISSUER, "exp": exp, "identities": {}}),
                &EncodingKey::from_secret(b"s").expect("key"),
            )
            .expect("sign");
            assert!(verify(&other_algorithm, b"s").is_err());
            assert!(verify("not a token", b"s").is_err());
        }
    }
}
