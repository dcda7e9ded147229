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
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use serde::Deserialize;
use subtle::ConstantTimeEq as _;
use tokio::sync::Semaphore;

use super::AuthError;

/// The prefix of the `sub` of tokens issued to OAuth2 clients, which no
/// username may start with: a user's token and a client's never name the
/// same subject.
pub(crate) const CLIENT_SUBJECT_PREFIX: &str = "client:";

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
    .and_then(|users| {
        match users
            .iter()
            .find(|user| user.name.starts_with(CLIENT_SUBJECT_PREFIX))
        {
            Some(user) => Err(AuthError::TokenEndpoint {
                path: path.to_owned(),
                reason: format!(
                    "{:?}: usernames starting with {CLIENT_SUBJECT_PREFIX:?} are kept for the \
                     subjects of OAuth2 clients' tokens",
                    user.name
                ),
            }),
            None => Ok(users),
        }
    })
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
    hash_with(&Argon2::default(), secret)
}

/// The hash a login for an unknown name is checked against, so that it
/// costs as long as one for a known name: made with the algorithm, version
/// and cost of the first of `accounts`' hashes.
pub(crate) fn decoy_hash(accounts: &[Account]) -> Result<String, String> {
    let like = accounts
        .first()
        .and_then(|account| PasswordHash::new(&account.hash).ok());
    let argon2 = match like {
        Some(hash) => {
            let algorithm = Algorithm::try_from(hash.algorithm).map_err(|e| e.to_string())?;
            let version = hash
                .version
                .map_or(Ok(Version::default()), Version::try_from)
                .map_err(|e| e.to_string())?;
            let params = Params::try_from(&hash).map_err(|e| e.to_string())?;
            Argon2::new(algorithm, version, params)
        }
        None => Argon2::default(),
    };
    hash_with(&argon2, "decoy")
}

fn hash_with(argon2: &Argon2<'_>, secret: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| format!("no randomness: {error}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| error.to_string())?;
    argon2
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

/// A secret to check against its hash, and where the answer goes.
struct Check {
    secret: String,
    hash: String,
    answer: tokio::sync::oneshot::Sender<bool>,
    /// Held until the check is done.
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// How many checks may wait for each core's checker: a burst of logins a
/// little larger than the cores waits a few checks' time (tens of
/// milliseconds each) instead of being refused, and what waits holds only
/// its secret, none of argon2's memory.
const WAITING_PER_CORE: usize = 4;

/// The threads that check secrets, one per core, process-wide. Each argon2
/// check takes tens of milliseconds and its cost in memory (19 MiB at the
/// default cost) on purpose: run on threads of their own, at most one per
/// core at once, the checks keep at most that much memory per core, however
/// many wrong passwords clients send. Up to [`WAITING_PER_CORE`] more per
/// core wait their turn; beyond that a login is told to try again.
struct Checkers {
    permits: Arc<Semaphore>,
    checks: std::sync::Mutex<std::sync::mpsc::SyncSender<Check>>,
}

fn checkers() -> &'static Checkers {
    static CHECKERS: OnceLock<Checkers> = OnceLock::new();
    CHECKERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
        let admitted = cores * (1 + WAITING_PER_CORE);
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Check>(admitted);
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for index in 0..cores {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("wafer-argon2-{index}"))
                .spawn(move || {
                    // Each thread's argon2 memory, reused check after check.
                    let mut blocks = Vec::new();
                    loop {
                        let next = receiver
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        let Ok(check) = next else { return };
                        let verified = matches(&check.secret, &check.hash, &mut blocks);
                        let _ = check.answer.send(verified);
                    }
                });
            if let Err(error) = spawned {
                tracing::error!("cannot start a thread to check secrets: {error}");
            }
        }
        Checkers {
            permits: Arc::new(Semaphore::new(admitted)),
            checks: std::sync::Mutex::new(sender),
        }
    })
}

/// Whether `secret` is the one `hash` (PHC format) was made of, computed in
/// `blocks`, which grows to the hash's cost and is kept for the next check.
fn matches(secret: &str, hash: &str, blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let algorithm = Algorithm::try_from(parsed.algorithm);
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&parsed))
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let count = params.block_count();
    if blocks.len() < count {
        blocks.resize(count, Block::default());
    }
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(
            secret.as_bytes(),
            salt,
            &mut computed,
            &mut blocks[..count],
        )
        .is_ok()
        && bool::from(expected.as_bytes().ct_eq(&computed))
}

/// Every core is checking a secret and as many as may wait are waiting; try
/// again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Busy;

/// Checks a secret against its hash on the checkers' threads, or says that
/// every checker is busy and its queue full.
pub(crate) async fn verify_secret(secret: &str, hash: &str) -> Result<bool, Busy> {
    let checkers = checkers();
    let permit = checkers
        .permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| Busy)?;
    let (answer, verified) = tokio::sync::oneshot::channel();
    let check = Check {
        secret: secret.to_owned(),
        hash: hash.to_owned(),
        answer,
        _permit: permit,
    };
    // Never blocks: the channel holds one check per permit.
    let sent = checkers
        .checks
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send(check);
    if sent.is_err() {
        return Err(Busy);
    }
    // A checker that went away answers nothing: not verified.
    Ok(verified.await.unwrap_or(false))
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
        assert_eq!(
            runtime.block_on(verify_secret("correct horse", &hash)),
            Ok(true)
        );
        assert_eq!(
            runtime.block_on(verify_secret("correct hors", &hash)),
            Ok(false)
        );
        assert!(check_hash("plain text").is_err());
    }

    #[test]
    fn usernames_cannot_take_the_subjects_of_clients() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("users.toml");
        let hash = hash_secret("pw").expect("hash");
        std::fs::write(
            &path,
            format!("[[user]]\nusername = \"client:reporting\"\npassword_hash = \"{hash}\"\n"),
        )
        .expect("write");
        let error = users(&path).err().expect("refused").to_string();
        assert!(
            error.contains("\"client:reporting\": usernames starting with \"client:\" are kept"),
            "{error}"
        );
    }

    #[test]
    fn one_buffer_checks_hashes_of_any_cost() {
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).expect("params"),
        );
        let (small, large) = (
            hash_with(&cheap, "a").expect("hash"),
            hash_secret("b").expect("hash"),
        );
        let mut blocks = Vec::new();
        assert!(matches("a", &small, &mut blocks));
        assert!(matches("b", &large, &mut blocks));
        assert!(
            matches("a", &small, &mut blocks),
            "a larger buffer still fits"
        );
        assert!(!matches("b", &small, &mut blocks));
        assert!(!matches("a", "not a hash", &mut blocks));
        assert_eq!(blocks.len(), Params::default().block_count());
    }

    #[test]
    fn the_decoy_costs_what_the_accounts_hashes_cost() {
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, None).expect("params"),
        );
        let account = Account {
            name: "ann".into(),
            hash: hash_with(&cheap, "pw").expect("hash"),
            scopes: Vec::new(),
        };
        let decoy = decoy_hash(&[account]).expect("decoy");
        let params =
            |hash: &str| Params::try_from(&PasswordHash::new(hash).expect("PHC")).expect("params");
        let expected = Params::new(8 * 1024, 3, 1, None).expect("params");
        assert_eq!(
            (
                params(&decoy).m_cost(),
                params(&decoy).t_cost(),
                params(&decoy).p_cost()
            ),
            (expected.m_cost(), expected.t_cost(), expected.p_cost())
        );
        let default = decoy_hash(&[]).expect("decoy");
        assert_eq!(params(&default).m_cost(), Params::default().m_cost());
    }
}
