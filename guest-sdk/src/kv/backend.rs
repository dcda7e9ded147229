//! What a [`Store`](super::Store) is kept in: the host's `wasi:keyvalue`, or
//! memory in tests.

use super::{KeyPage, StoreError};

/// An open store.
pub(crate) trait Bucket {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    fn delete(&self, key: &str) -> Result<(), StoreError>;
    fn exists(&self, key: &str) -> Result<bool, StoreError>;
    fn list_keys(&self, cursor: Option<&str>) -> Result<KeyPage, StoreError>;
    fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError>;
    fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> Result<bool, StoreError>;
}

/// Opens stores by name.
pub(crate) trait Opener {
    fn open(&self, name: &str) -> Result<std::rc::Rc<dyn Bucket>, StoreError>;
}
