//! A store in the host's memory: for tests and caches; gone when the host
//! stops.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use super::StoreError;
use super::backend::{Backend, KeyPage, incremented, page};

/// Keys in order, so that pages follow on from the last key.
#[derive(Default)]
pub struct MemoryBackend {
    data: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryBackend {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // The map is valid even if a holder panicked.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl Backend for MemoryBackend {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().get(key).cloned())
    }

    async fn set(&self, key: &str, value: Vec<u8>) -> Result<(), StoreError> {
        self.lock().insert(key.to_owned(), value);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.lock().remove(key);
        Ok(())
    }

    async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.lock().contains_key(key))
    }

    async fn list_keys(&self, cursor: Option<&str>, limit: usize) -> Result<KeyPage, StoreError> {
        let data = self.lock();
        let start = cursor.map_or(Bound::Unbounded, Bound::Excluded);
        let keys: Vec<String> = data
            .range::<str, _>((start, Bound::Unbounded))
            .take(limit + 1)
            .map(|(key, _)| key.clone())
            .collect();
        Ok(page(keys, limit))
    }

    async fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError> {
        let mut data = self.lock();
        let value = incremented(data.get(key).map(Vec::as_slice), delta)?;
        data.insert(key.to_owned(), value.to_string().into_bytes());
        Ok(value)
    }

    async fn swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: Vec<u8>,
    ) -> Result<bool, StoreError> {
        let mut data = self.lock();
        if data.get(key).map(Vec::as_slice) != expected {
            return Ok(false);
        }
        data.insert(key.to_owned(), value);
        Ok(true)
    }
}
