//! Key-value stores: [`Store`], over `wasi:keyvalue@0.2.0-draft2` (what
//! Spin 4 links; the Wafer host serves it too).
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use wafer::kv::Store;
//! use wafer::{post, HttpError, Json};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Visit { count: i64 }
//!
//! /// Counts the visits of a page, in the store `default`.
//! #[post("/visits/{page}")]
//! fn visit(page: wafer::Path<String>, store: Store) -> Result<Json<Visit>, HttpError> {
//!     let count = store.increment(&format!("visits:{}", *page), 1)?;
//!     Ok(Json(Visit { count }))
//! }
//! ```
//!
//! A component names the stores it uses in its manifest entry
//! (`key_value_stores = ["default"]` on Wafer and Spin); opening one it was not
//! granted fails with [`StoreError::AccessDenied`]. Natively, under
//! [`TestClient`](crate::testing::TestClient), every store is in memory and
//! starts empty.

mod backend;
mod error;
#[cfg(not(target_arch = "wasm32"))]
mod memory;
#[cfg(target_arch = "wasm32")]
mod wasi;

use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) use self::backend::{Bucket, Opener};
pub use self::error::StoreError;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use self::memory::MemoryStores;

/// The name of the store [`Store`] opens as an extractor.
pub const DEFAULT_STORE: &str = "default";

/// A key-value store: as an extractor, the store `default`; others with
/// [`Stores::open`].
///
/// Values are bytes; the `_json` methods keep any serde type as JSON.
#[derive(Clone)]
pub struct Store {
    bucket: Rc<dyn Bucket>,
}

/// One page of keys, and the cursor of the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPage {
    /// The keys, in the store's order.
    pub keys: Vec<String>,
    /// Pass it to [`Store::keys`] for the next page; `None` on the last.
    pub cursor: Option<String>,
}

impl Store {
    pub(crate) fn new(bucket: Rc<dyn Bucket>) -> Store {
        Store { bucket }
    }

    /// The value of `key`, if it has one.
    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.bucket.get(key)
    }

    /// The value of `key` as JSON of type `T`, if it has one. A value that is
    /// not that JSON is [`StoreError::Corrupt`].
    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        match self.get(key)? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|error| {
                StoreError::Corrupt(format!(
                    "the value of {key:?} is not the JSON of a {}: {error}",
                    std::any::type_name::<T>()
                ))
            }),
        }
    }

    /// Sets `key` to `value`.
    pub fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.bucket.set(key, value)
    }

    /// Sets `key` to `value` as JSON.
    pub fn set_json<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|error| {
            StoreError::Other(format!("the value is not serializable: {error}"))
        })?;
        self.set(key, &bytes)
    }

    /// Deletes `key`; deleting a key that is not there is no error.
    pub fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.bucket.delete(key)
    }

    /// Whether `key` has a value.
    pub fn exists(&self, key: &str) -> Result<bool, StoreError> {
        self.bucket.exists(key)
    }

    /// One page of keys: from the start, or from `cursor` (the last page's).
    /// The order is the store's: Wafer's embedded and memory stores sort
    /// keys, Redis keeps none; sort them yourself where order matters.
    pub fn keys(&self, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        self.bucket.list_keys(cursor)
    }

    /// Every key, page after page, in the store's order (see [`Store::keys`]).
    pub fn all_keys(&self) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.keys(cursor.as_deref())?;
            keys.extend(page.keys);
            match page.cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(keys),
            }
        }
    }

    /// Adds `delta` to the number at `key` (0 if it has none) and returns the
    /// new number, atomically: concurrent increments are all counted.
    pub fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError> {
        self.bucket.increment(key, delta)
    }

    /// Sets `key` to `value` if its value is still `expected` (`None`: it has
    /// none), atomically; `false` if it changed in between.
    pub fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> Result<bool, StoreError> {
        self.bucket.compare_and_swap(key, expected, value)
    }
}

/// Opens stores by name: an extractor, for a component that uses several.
#[derive(Clone)]
pub struct Stores {
    opener: Rc<dyn Opener>,
}

impl Stores {
    pub(crate) fn new(opener: Rc<dyn Opener>) -> Stores {
        Stores { opener }
    }

    /// The store `name`; [`StoreError::AccessDenied`] if the component was
    /// not granted it.
    pub fn open(&self, name: &str) -> Result<Store, StoreError> {
        Ok(Store::new(self.opener.open(name)?))
    }
}

/// Where stores are opened: the host's `wasi:keyvalue` in a component.
#[cfg(target_arch = "wasm32")]
pub(crate) fn host_opener() -> Rc<dyn Opener> {
    Rc::new(wasi::WasiOpener)
}
