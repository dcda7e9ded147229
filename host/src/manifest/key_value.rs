//! `[key_value_store.NAME]`: where a store is kept, in the keys of Spin's
//! runtime configuration; and `[key_value_limits]`.
//!
//! ```toml
//! [key_value_store.cache]
//! type = "memory"                        # gone when the host stops
//!
//! [key_value_store.shared]
//! type = "redis"                         # shared by every host given the URL
//! url = "redis://127.0.0.1:6379/0"       # may name variables: "{{ redis_url }}"
//!
//! [key_value_store.sessions]
//! type = "spin"                          # embedded SQLite (also "sqlite")
//! path = "data/sessions.sqlite3"         # default: <data dir>/kv/sessions.sqlite3
//!
//! [key_value_limits]                     # the values shown are the defaults
//! max_key_bytes = 1024
//! max_value_bytes = 1048576
//! max_keys_per_list = 1000               # keys in one page of list-keys
//! max_operations_per_request = 1000
//! ```
//!
//! A store a component is granted (`key_value_stores = [...]`) without a
//! section of its own is embedded, in the host's data directory.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use serde::Deserialize;

use super::variables::{self, Template, Variable};

/// Where one store is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSpec {
    /// The kind of backend, and its settings.
    pub kind: StoreKind,
}

/// The backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// In the host's memory.
    Memory,
    /// In a Redis database, shared by the hosts given its URL.
    Redis {
        /// `redis://[user:password@]host[:port][/db]` or `unix:///path`,
        /// or a template naming variables (a password is best a secret).
        url: Template,
    },
    /// An embedded SQLite database.
    Embedded {
        /// The database file; by default, `<data dir>/kv/NAME.sqlite3`.
        path: Option<PathBuf>,
    },
}

/// What one request may do with the stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvLimits {
    /// The longest key, in bytes.
    pub max_key_bytes: usize,
    /// The largest value, in bytes.
    pub max_value_bytes: usize,
    /// The most keys one page of `list-keys` holds.
    pub max_keys_per_list: usize,
    /// Key operations a request may make (a batch counts each key).
    pub max_operations_per_request: u32,
}

impl Default for KvLimits {
    fn default() -> Self {
        KvLimits {
            max_key_bytes: 1024,
            max_value_bytes: 1024 * 1024,
            max_keys_per_list: 1000,
            max_operations_per_request: 1000,
        }
    }
}

/// A `[key_value_store.NAME]` section as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    #[serde(rename = "type")]
    kind: String,
    path: Option<PathBuf>,
    url: Option<String>,
}

impl RawStore {
    /// The store `name`'s settings; `base` is the folder relative paths
    /// start from.
    pub(super) fn validate(
        self,
        name: &str,
        base: &Path,
        variables: &BTreeMap<String, Variable>,
    ) -> Result<StoreSpec, (String, String)> {
        let field = |key: &str| format!("key_value_store.{name}.{key}");
        let kind = match self.kind.as_str() {
            "memory" => {
                if self.path.is_some() {
                    return Err((field("path"), "a memory store has no path".into()));
                }
                if self.url.is_some() {
                    return Err((field("url"), "a memory store has no URL".into()));
                }
                StoreKind::Memory
            }
            "redis" => {
                if self.path.is_some() {
                    return Err((field("path"), "a Redis store has a url, not a path".into()));
                }
                let Some(url) = self.url else {
                    return Err((
                        field("url"),
                        "a Redis store needs one, e.g. url = \"redis://127.0.0.1:6379\"".into(),
                    ));
                };
                let url = variables::template(&url, variables, field("url"))?;
                if url.variables().next().is_none() {
                    // Checked now if it can be; a URL made of variables is
                    // checked when the store is opened.
                    check_redis_url(&url.render(&BTreeMap::new()))
                        .map_err(|reason| (field("url"), reason))?;
                }
                StoreKind::Redis { url }
            }
            "spin" | "sqlite" => {
                if self.url.is_some() {
                    return Err((
                        field("url"),
                        "an embedded store has a path, not a URL".into(),
                    ));
                }
                StoreKind::Embedded {
                    path: self.path.map(|path| base.join(path)),
                }
            }
            other => {
                return Err((
                    field("type"),
                    format!(
                        "{other:?} is not a store type: use \"spin\" (embedded SQLite), \"redis\" or \"memory\""
                    ),
                ));
            }
        };
        Ok(StoreSpec { kind })
    }
}

/// Whether `url` names a Redis that this host can connect to; why not.
pub fn check_redis_url(url: &str) -> Result<(), String> {
    use redis::IntoConnectionInfo as _;
    if url.starts_with("rediss://") {
        return Err(
            "TLS (rediss://) is not supported yet: reach a remote Redis over a TLS tunnel, at a redis:// URL"
                .into(),
        );
    }
    url.into_connection_info()
        .map(|_| ())
        .map_err(|error| format!("not a Redis URL ({error}): write redis://HOST[:PORT][/DB]"))
}

/// `[key_value_limits]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKvLimits {
    max_key_bytes: Option<usize>,
    max_value_bytes: Option<usize>,
    max_keys_per_list: Option<usize>,
    max_operations_per_request: Option<u32>,
}

impl RawKvLimits {
    pub(super) fn validate(self) -> Result<KvLimits, (String, String)> {
        let defaults = KvLimits::default();
        let positive = |key: &str, value: Option<usize>, default: usize| match value {
            Some(0) => Err((
                format!("key_value_limits.{key}"),
                "must be at least 1".to_owned(),
            )),
            Some(value) => Ok(value),
            None => Ok(default),
        };
        Ok(KvLimits {
            max_key_bytes: positive("max_key_bytes", self.max_key_bytes, defaults.max_key_bytes)?,
            max_value_bytes: positive(
                "max_value_bytes",
                self.max_value_bytes,
                defaults.max_value_bytes,
            )?,
            max_keys_per_list: positive(
                "max_keys_per_list",
                self.max_keys_per_list,
                defaults.max_keys_per_list,
            )?,
            max_operations_per_request: positive(
                "max_operations_per_request",
                self.max_operations_per_request.map(|n| n as usize),
                defaults.max_operations_per_request as usize,
            )? as u32,
        })
    }
}
