//! Who may get a token: the users file (password flow) and the clients file
//! (client-credentials flow), each entry with an argon2id hash.
//!
//! ```toml
//! # users.toml
//! [[user]]
//! username = "alice"
//! password_hash = "$argon2id$v=19$..."   # `wafer auth hash-password`
//! scopes = ["items:read", "items:write"]
//!
//! # clients.toml
//! [[client]]
//! client_id = "reporting"
//! secret_hash = "$argon2id$v=19$..."
//! scopes = ["items:read"]
//! ```

use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Deserialize;

use super::AuthError;

/// Someone who can get a token: a user (password flow) or a client
/// (client-credentials flow), with the hash of their password or secret.
pub(crate) struct Account {
    pub(crate) name: String,
    pub(crate) hash: String,
    pub(crate) scopes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct User {
    username: String,
    password_hash: String,
    #[serde(default)]
    scopes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Client {
    client_id: String,
    secret_hash: String,
    #[serde(default)]
    scopes: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct UsersFile {
    #[serde(default)]
    user: Vec<User>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    #[serde(default)]
    client: Vec<Client>,
}

/// The users of a users file.
pub(crate) fn users(path: &Path) -> Result<Vec<Account>, AuthError> {
    read_accounts(
        path,
        "a users file ([[user]] entries with username, password_hash and scopes)",
        |file: UsersFile| {
            file.user
                .into_iter()
                .map(|user| Account {
                    name: user.username,
                    hash: user.password_hash,
                    scopes: user.scopes,
                })
                .collect()
        },
    )
}

/// The clients of a clients file.
pub(crate) fn clients(path: &Path) -> Result<Vec<Account>, AuthError> {
    read_accounts(
        path,
        "a clients file ([[client]] entries with client_id, secret_hash and scopes)",
        |file: ClientsFile| {
            file.client
                .into_iter()
                .map(|client| Account {
                    name: client.client_id,
                    hash: client.secret_hash,
                    scopes: client.scopes,
                })
                .collect()
        },
    )
}

/// An argon2id hash of a password or client secret, in PHC format.
pub fn hash_secret(secret: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| format!("no randomness: {error}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| error.to_string())?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| error.to_string())
}

/// The accounts of a users or clients file, each hash checked.
fn read_accounts<F: serde::de::DeserializeOwned>(
    path: &Path,
    shape: &str,
    accounts: impl FnOnce(F) -> Vec<Account>,
) -> Result<Vec<Account>, AuthError> {
    let problem = |reason: String| AuthError::TokenEndpoint {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|error| problem(format!("cannot read it: {error}")))?;
    let file: F = toml::from_str(&text)
        .map_err(|error| problem(format!("not {shape}: {}", error.to_string().trim_end())))?;
    let accounts = accounts(file);
    for account in &accounts {
        check_hash(&account.hash)
            .map_err(|reason| problem(format!("{:?}: {reason}", account.name)))?;
    }
    Ok(accounts)
}

fn check_hash(hash: &str) -> Result<(), String> {
    PasswordHash::new(hash).map(drop).map_err(|_| {
        "the hash is not an argon2 hash: make one with `wafer auth hash-password`".to_owned()
    })
}

/// Checks a secret against its hash off the async threads: argon2 takes tens
/// of milliseconds on purpose.
pub(crate) async fn verify_secret(secret: &str, hash: &str) -> bool {
    let (secret, hash) = (secret.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_secret() {
        let hash = hash_secret("correct horse").expect("hash");
        assert!(check_hash(&hash).is_ok());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        assert!(runtime.block_on(verify_secret("correct horse", &hash)));
        assert!(!runtime.block_on(verify_secret("correct hors", &hash)));
        assert!(check_hash("plain text").is_err());
    }
}
