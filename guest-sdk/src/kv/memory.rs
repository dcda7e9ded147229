//! Stores in memory: what [`TestClient`](crate::testing::TestClient) gives an
//! app, each name its own store, empty at first and kept for the client's
//! life.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::rc::Rc;

use super::backend::{Bucket, Opener};
use super::{KeyPage, StoreError};

/// Keys a page holds, as the Wafer host's default `max_keys_per_list`.
const PAGE: usize = 1000;

/// The stores of one app in tests, by name.
#[derive(Default)]
pub(crate) struct MemoryStores {
    stores: RefCell<HashMap<String, Rc<MemoryBucket>>>,
}

impl Opener for MemoryStores {
    fn open(&self, name: &str) -> Result<Rc<dyn Bucket>, StoreError> {
        let bucket = self
            .stores
            .borrow_mut()
            .entry(name.to_owned())
            .or_default()
            .clone();
        Ok(bucket)
    }
}

/// One store: keys in order.
#[derive(Default)]
pub(crate) struct MemoryBucket {
    data: RefCell<BTreeMap<String, Vec<u8>>>,
}

impl Bucket for MemoryBucket {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.data.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.data
            .borrow_mut()
            .insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.data.borrow_mut().remove(key);
        Ok(())
    }

    fn exists(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.data.borrow().contains_key(key))
    }

    fn list_keys(&self, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        let data = self.data.borrow();
        let start = cursor.map_or(Bound::Unbounded, Bound::Excluded);
        let mut keys: Vec<String> = data
            .range::<str, _>((start, Bound::Unbounded))
            .take(PAGE + 1)
            .map(|(key, _)| key.clone())
            .collect();
        let cursor = (keys.len() > PAGE).then(|| {
            keys.truncate(PAGE);
            keys.last().cloned().unwrap_or_default()
        });
        Ok(KeyPage { keys, cursor })
    }

    fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError> {
        let mut data = self.data.borrow_mut();
        let value = wafer_contract::store::incremented(data.get(key).map(Vec::as_slice), delta)
            .map_err(|reason| StoreError::Other(reason.into()))?;
        data.insert(key.to_owned(), value.to_string().into_bytes());
        Ok(value)
    }

    fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> Result<bool, StoreError> {
        let mut data = self.data.borrow_mut();
        if data.get(key).map(Vec::as_slice) != expected {
            return Ok(false);
        }
        data.insert(key.to_owned(), value.to_vec());
        Ok(true)
    }
}
