//! HTTP Basic users: a scheme of `{"type": "http", "scheme": "basic"}` is
//! checked against a users file (the token endpoint's format: argon2id
//! hashes, each with scopes), as FastAPI's `HTTPBasic` reads the header
//! (`wafer_contract::credentials`).
//!
//! A browser sends the password with every request, and an argon2 check
//! costs tens of milliseconds and 19 MiB on purpose; so a password once
//! verified is remembered for [`REMEMBERED_FOR`] by a keyed SHA-256 of the
//! user and password (the key is random per start, never written down), and
//! only the checks that are not remembered are throttled like logins at the
//! token endpoint (per client address and per user).
//!
//! ```toml
//! [auth.schemes.basic]
//! users = "auth/users.toml"   # [[user]] username, password_hash, scopes
//! ```

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::AuthError;
use super::accounts::{self, Account, decoy_hash, verify_secret};
use super::throttle::{LoginThrottle, Throttled};

/// How long a verified password is taken without checking its hash again.
pub(crate) const REMEMBERED_FOR: Duration = Duration::from_secs(300);

/// At most this many verified passwords are remembered at once.
const REMEMBERED_AT_MOST: usize = 4096;

/// Password checks (not remembered ones) one client address may cause per
/// minute, and that may be caused for one user: the token endpoint's
/// defaults.
const CHECKS_PER_CLIENT_PER_MINUTE: u32 = 30;
const CHECKS_PER_USER_PER_MINUTE: u32 = 10;

/// Why a user and password were not let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BasicProblem {
    /// An unknown user or a wrong password.
    Wrong,
    /// Too many checks from this client or for this user: try later.
    Throttled(Throttled),
    /// Every checker is busy: try again shortly.
    Busy,
}

/// The users of one Basic scheme, and the passwords lately verified.
pub(crate) struct BasicUsers {
    users: Vec<Account>,
    /// What an unknown user's password is checked against, so that it costs
    /// as long as a known user's.
    decoy: String,
    throttle: LoginThrottle,
    /// The key of the fingerprints in `remembered`.
    key: [u8; 32],
    /// Fingerprints of verified user and password pairs: the user's index
    /// and until when it is remembered.
    remembered: Mutex<HashMap<[u8; 32], (usize, Instant)>>,
}

impl BasicUsers {
    /// Reads the users file of `scheme`.
    pub(crate) fn load(scheme: &str, path: &Path) -> Result<BasicUsers, AuthError> {
        let problem = |reason: String| AuthError::Key {
            scheme: scheme.to_owned(),
            path: path.to_owned(),
            reason,
        };
        let users = accounts::users(path).map_err(|error| match error {
            AuthError::TokenEndpoint { reason, .. } => problem(reason),
            other => other,
        })?;
        let decoy = decoy_hash(&users).map_err(problem)?;
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|error| problem(format!("no randomness: {error}")))?;
        let per_minute = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Ok(BasicUsers {
            users,
            decoy,
            throttle: LoginThrottle::new(
                per_minute(CHECKS_PER_CLIENT_PER_MINUTE),
                per_minute(CHECKS_PER_USER_PER_MINUTE),
            ),
            key,
            remembered: Mutex::new(HashMap::new()),
        })
    }

    /// The claims of `user` (`sub` and `scopes`) if `password` is theirs.
    pub(crate) async fn verify(
        &self,
        user: &str,
        password: &str,
        client: IpAddr,
    ) -> Result<Value, BasicProblem> {
        let fingerprint = self.fingerprint(user, password);
        if let Some(index) = self.recall(&fingerprint) {
            return Ok(self.claims(index));
        }
        let index = self.users.iter().position(|account| account.name == user);
        let known = index.map(|index| self.users[index].name.as_str());
        self.throttle
            .admit(Some(client), known)
            .map_err(BasicProblem::Throttled)?;
        let hash = index.map_or(self.decoy.as_str(), |index| &self.users[index].hash);
        let verified = verify_secret(password, hash)
            .await
            .map_err(|_| BasicProblem::Busy)?;
        match index {
            Some(index) if verified => {
                self.remember(fingerprint, index);
                Ok(self.claims(index))
            }
            _ => Err(BasicProblem::Wrong),
        }
    }

    fn claims(&self, index: usize) -> Value {
        let user = &self.users[index];
        json!({ "sub": user.name, "scopes": user.scopes })
    }

    /// A keyed hash of the pair; the length prefix keeps `("ab", "c")` and
    /// `("a", "bc")` apart.
    fn fingerprint(&self, user: &str, password: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update((user.len() as u64).to_le_bytes());
        hasher.update(user.as_bytes());
        hasher.update(password.as_bytes());
        hasher.finalize().into()
    }

    fn recall(&self, fingerprint: &[u8; 32]) -> Option<usize> {
        let remembered = self
            .remembered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (index, until) = remembered.get(fingerprint)?;
        (Instant::now() < *until).then_some(*index)
    }

    fn remember(&self, fingerprint: [u8; 32], index: usize) {
        let mut remembered = self
            .remembered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if remembered.len() >= REMEMBERED_AT_MOST {
            remembered.retain(|_, (_, until)| now < *until);
            if remembered.len() >= REMEMBERED_AT_MOST {
                remembered.clear();
            }
        }
        remembered.insert(fingerprint, (index, now + REMEMBERED_FOR));
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn users_file(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("users.toml");
        let hash = accounts::hash_secret("s3cret").expect("hash");
        std::fs::write(
            &path,
            format!(
                "[[user]]\nusername = \"admin\"\npassword_hash = \"{hash}\"\nscopes = [\"shop\"]\n"
            ),
        )
        .expect("write");
        path
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    }

    #[test]
    fn users_are_let_in_by_their_password_only() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let users = BasicUsers::load("basic", &users_file(dir.path())).expect("load");
        let runtime = runtime();
        let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let verify =
            |user: &str, password: &str| runtime.block_on(users.verify(user, password, client));
        assert_eq!(
            verify("admin", "s3cret"),
            Ok(json!({"sub": "admin", "scopes": ["shop"]}))
        );
        assert_eq!(verify("admin", "s3cre"), Err(BasicProblem::Wrong));
        assert_eq!(verify("admins3", "cret"), Err(BasicProblem::Wrong));
        assert_eq!(verify("nobody", "s3cret"), Err(BasicProblem::Wrong));
        // Remembered: no check, so no throttle, however often it comes.
        for _ in 0..CHECKS_PER_USER_PER_MINUTE * 2 {
            assert!(verify("admin", "s3cret").is_ok());
        }
    }

    #[test]
    fn checks_for_one_user_are_throttled() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let users = BasicUsers::load("basic", &users_file(dir.path())).expect("load");
        let runtime = runtime();
        let mut outcomes = Vec::new();
        for client in 0..=CHECKS_PER_USER_PER_MINUTE {
            let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, client as u8));
            outcomes.push(runtime.block_on(users.verify("admin", "wrong", client)));
        }
        assert!(
            outcomes[..CHECKS_PER_USER_PER_MINUTE as usize]
                .iter()
                .all(|outcome| *outcome == Err(BasicProblem::Wrong))
        );
        assert!(
            matches!(outcomes.last(), Some(Err(BasicProblem::Throttled(t))) if t.by == "account"),
            "{outcomes:?}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_users_file_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("users.toml");
        std::fs::write(
            &path,
            "[[user]]\nusername = \"a\"\npassword_hash = \"plain\"\n",
        )
        .expect("write");
        let error = BasicUsers::load("basic", &path)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            error.starts_with("auth.schemes.basic: ") && error.contains("not an argon2 hash"),
            "{error}"
        );
    }
}
