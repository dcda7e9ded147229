//! API keys: a file of SHA-256 hashes, each with a name and scopes. Keys are
//! random and long, so a fast hash is right here (a slow one would let every
//! request with a wrong key cost the host a password hash); every entry is
//! compared in constant time.
//!
//! ```toml
//! [[key]]
//! name = "reporting"          # the identity's `sub`
//! sha256 = "9f86d081..."      # hex; `wafer auth api-key --name reporting` makes one
//! scopes = ["items:read"]
//! ```

use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::AuthError;

/// Keys longer than this are refused without hashing.
const MAX_KEY_LENGTH: usize = 1024;

/// The keys of one scheme.
pub(crate) struct ApiKeyStore {
    keys: Vec<StoredKey>,
}

/// One entry of the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredKey {
    pub(crate) name: String,
    sha256: String,
    #[serde(skip)]
    digest: [u8; 32],
    #[serde(default)]
    pub(crate) scopes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    #[serde(default)]
    key: Vec<StoredKey>,
}

impl ApiKeyStore {
    /// Reads a key file.
    pub(crate) fn load(scheme: &str, path: &Path) -> Result<ApiKeyStore, AuthError> {
        let problem = |reason: String| AuthError::Key {
            scheme: scheme.to_owned(),
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|error| problem(format!("cannot read it: {error}")))?;
        let file: KeyFile = toml::from_str(&text).map_err(|error| {
            problem(format!(
                "not an API key file ([[key]] entries with name, sha256 and scopes): {}",
                error.to_string().trim_end()
            ))
        })?;
        let mut keys = Vec::with_capacity(file.key.len());
        for (index, mut key) in file.key.into_iter().enumerate() {
            let digest = decode_hex(&key.sha256).ok_or_else(|| {
                problem(format!(
                    "key[{index}] ({:?}): `sha256` must be 64 hex digits, the SHA-256 of the key \
                     (never the key itself): `wafer auth api-key` prints one",
                    key.name
                ))
            })?;
            key.digest = digest;
            keys.push(key);
        }
        Ok(ApiKeyStore { keys })
    }

    /// The entry of `presented`, if it is a known key.
    pub(crate) fn find(&self, presented: &str) -> Option<&StoredKey> {
        if presented.is_empty() || presented.len() > MAX_KEY_LENGTH {
            return None;
        }
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        // Every entry is compared, so timing says nothing about which matched.
        for key in &self.keys {
            if bool::from(key.digest.ct_eq(&digest)) {
                found = Some(key);
            }
        }
        found
    }
}

/// The hex SHA-256 of a key, as the key file stores it.
pub fn hash_api_key(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut digest = [0u8; 32];
    for (index, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16).ok()?;
    }
    Some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_by_their_hash_only() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("keys.toml");
        std::fs::write(
            &path,
            format!(
                "[[key]]\nname = \"ci\"\nsha256 = \"{}\"\nscopes = [\"read\"]\n",
                hash_api_key("secret-key")
            ),
        )
        .expect("write");
        let store = ApiKeyStore::load("api_key", &path).expect("load");
        assert_eq!(
            store.find("secret-key").map(|k| k.name.as_str()),
            Some("ci")
        );
        assert!(store.find("secret-kez").is_none());
        assert!(store.find(&hash_api_key("secret-key")).is_none());
        assert!(store.find("").is_none());

        std::fs::write(&path, "[[key]]\nname = \"ci\"\nsha256 = \"secret-key\"\n").expect("write");
        let error = ApiKeyStore::load("api_key", &path).err().expect("refused");
        assert!(error.to_string().contains("64 hex digits"), "{error}");
    }
}
