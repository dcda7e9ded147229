//! `[key_value_store.NAME]`: where a store is kept, in the keys of Spin's
//! runtime configuration; and `[key_value_limits]`.
//!
//! ```toml
//! [key_value_store.cache]
//! type = "memory"                        # gone when the host stops
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

use serde::Deserialize;

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
}

impl RawStore {
    /// The store `name`'s settings; `base` is the folder relative paths
    /// start from.
    pub(super) fn validate(self, name: &str, base: &Path) -> Result<StoreSpec, (String, String)> {
        let field = |key: &str| format!("key_value_store.{name}.{key}");
        let kind = match self.kind.as_str() {
            "memory" => {
                if self.path.is_some() {
                    return Err((field("path"), "a memory store has no path".into()));
                }
                StoreKind::Memory
            }
            "spin" | "sqlite" => StoreKind::Embedded {
                path: self.path.map(|path| base.join(path)),
            },
            other => {
                return Err((
                    field("type"),
                    format!(
                        "{other:?} is not a store type: use \"spin\" (embedded SQLite) or \"memory\""
                    ),
                ));
            }
        };
        Ok(StoreSpec { kind })
    }
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
