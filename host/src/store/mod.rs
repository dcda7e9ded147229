//! Key-value stores: named, granted to components by name, each kept in an
//! embedded database (the default), Redis (shared by several hosts) or memory.
//!
//! What is configured where follows Spin: a component lists the stores it
//! may open (`key_value_stores = ["default", "cache"]`), and the manifest's
//! `[key_value_store.NAME]` says where one is kept (`type = "redis"` with a
//! `url`, or `type = "memory"`); a store without a section is embedded, in
//! `<data dir>/kv/NAME.sqlite3`. Components granted the same name share the
//! store. The `wasi:keyvalue` bindings (`runtime::keyvalue`) go through
//! [`KvAccess`], which holds one request's grants, limits and budget, so that
//! every version of the interface keeps the same rules.

pub mod backend;
mod memory;
mod redis;
mod sqlite;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

pub use backend::{Backend, KeyPage};
pub use memory::MemoryBackend;
pub use redis::RedisBackend;
pub use sqlite::SqliteBackend;
use wafer_contract::store::UNAVAILABLE;

use crate::manifest::{KvLimits, StoreKind, StoreSpec};

/// Why a store operation failed, as `wasi:keyvalue` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No store of that name exists.
    NoSuchStore,
    /// The component was not granted the store.
    AccessDenied,
    /// The backend cannot be reached now (Redis is down, the database file
    /// locked too long): worth retrying. The text says which.
    Unavailable(String),
    /// Anything else: a limit, a backend failure. The text is the guest's.
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NoSuchStore => f.write_str("no such store"),
            StoreError::AccessDenied => f.write_str("access denied"),
            StoreError::Unavailable(reason) => write!(f, "{UNAVAILABLE}{reason}"),
            StoreError::Other(reason) => f.write_str(reason),
        }
    }
}

/// A store: its name and where its data is.
#[derive(Clone)]
pub struct Store {
    /// The name components open it by.
    pub name: Arc<str>,
    /// Where its data is kept.
    pub backend: Arc<dyn Backend>,
}

/// The stores of a host, opened when a component is first granted them and
/// kept across reloads (a memory store keeps its data; an embedded one its
/// connection), unless a reload changes where one is kept.
pub struct Stores {
    data_dir: PathBuf,
    opened: Mutex<HashMap<String, (Place, Store)>>,
}

/// Where one store's data is, every variable filled in: what decides whether
/// a reload keeps an open store. (No `Debug`: a Redis URL may hold a
/// password.)
#[derive(Clone, PartialEq, Eq)]
enum Place {
    Memory,
    Embedded(PathBuf),
    Redis(String),
}

impl Stores {
    /// The stores of a host whose embedded stores live under `data_dir`.
    pub fn new(data_dir: &Path) -> Stores {
        Stores {
            data_dir: data_dir.to_owned(),
            opened: Mutex::default(),
        }
    }

    /// The stores `names` of one component, kept as `specs` say (embedded
    /// where they say nothing; a Redis URL's variables from `values`),
    /// opening those not open yet. An error names the store and what failed.
    pub fn grant(
        &self,
        names: &[String],
        specs: &BTreeMap<String, StoreSpec>,
        values: &BTreeMap<String, String>,
    ) -> Result<Arc<HashMap<String, Store>>, String> {
        let mut opened = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        let mut granted = HashMap::new();
        for name in names {
            let place = match specs.get(name).map(|spec| &spec.kind) {
                None | Some(StoreKind::Embedded { path: None }) => {
                    Place::Embedded(embedded_path(&self.data_dir, name))
                }
                Some(StoreKind::Embedded { path: Some(path) }) => Place::Embedded(path.clone()),
                Some(StoreKind::Memory) => Place::Memory,
                Some(StoreKind::Redis { url }) => Place::Redis(url.render(values)),
            };
            let store = match opened.get(name) {
                Some((open_place, store)) if *open_place == place => store.clone(),
                _ => {
                    let store = Store {
                        name: name.as_str().into(),
                        backend: open(&place)
                            .map_err(|error| format!("key-value store {name:?}: {error}"))?,
                    };
                    opened.insert(name.clone(), (place, store.clone()));
                    store
                }
            };
            granted.insert(name.clone(), store);
        }
        Ok(Arc::new(granted))
    }
}

/// A backend for the data at `place`.
fn open(place: &Place) -> Result<Arc<dyn Backend>, StoreError> {
    Ok(match place {
        Place::Memory => Arc::new(MemoryBackend::default()),
        Place::Embedded(path) => Arc::new(SqliteBackend::open(path)?),
        Place::Redis(url) => Arc::new(RedisBackend::open(url)?),
    })
}

/// Where an embedded store without a section of its own is kept.
pub fn embedded_path(data_dir: &Path, name: &str) -> PathBuf {
    data_dir.join("kv").join(format!("{name}.sqlite3"))
}

/// What one request may do with the stores: its component's grants, the
/// limits, and the operations it has left.
#[derive(Clone, Default)]
pub struct KvAccess {
    granted: Arc<HashMap<String, Store>>,
    limits: KvLimits,
    operations_left: u32,
}

impl KvAccess {
    /// Access to `granted`, within `limits`.
    pub fn new(granted: Arc<HashMap<String, Store>>, limits: KvLimits) -> KvAccess {
        KvAccess {
            granted,
            operations_left: limits.max_operations_per_request,
            limits,
        }
    }

    /// Starts the instance's next request, with a budget of its own.
    pub fn begin(&mut self) {
        self.operations_left = self.limits.max_operations_per_request;
    }

    /// The limits.
    pub fn limits(&self) -> &KvLimits {
        &self.limits
    }

    /// The store `name`, if the component was granted it.
    pub fn open(&self, name: &str) -> Result<Store, StoreError> {
        self.granted
            .get(name)
            .cloned()
            .ok_or(StoreError::AccessDenied)
    }

    /// Counts `count` operations against the request's budget.
    pub fn charge(&mut self, count: usize) -> Result<(), StoreError> {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        if count > self.operations_left {
            self.operations_left = 0;
            return Err(StoreError::Other(format!(
                "more than {} key-value operations in one request (max_operations_per_request)",
                self.limits.max_operations_per_request
            )));
        }
        self.operations_left -= count;
        Ok(())
    }

    /// Checks a key against the limits.
    pub fn check_key(&self, key: &str) -> Result<(), StoreError> {
        if key.len() > self.limits.max_key_bytes {
            return Err(StoreError::Other(format!(
                "a key of {} bytes is longer than {} (max_key_bytes)",
                key.len(),
                self.limits.max_key_bytes
            )));
        }
        Ok(())
    }

    /// Checks a value against the limits.
    pub fn check_value(&self, value: &[u8]) -> Result<(), StoreError> {
        if value.len() > self.limits.max_value_bytes {
            return Err(StoreError::Other(format!(
                "a value of {} bytes is larger than {} (max_value_bytes)",
                value.len(),
                self.limits.max_value_bytes
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
