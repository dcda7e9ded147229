//! [`Backend`]: what a key-value store is kept in.

use async_trait::async_trait;

use super::StoreError;

/// One page of keys, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPage {
    /// The keys, in the backend's order.
    pub keys: Vec<String>,
    /// Where to go on from, if there are more; opaque to the caller.
    pub cursor: Option<String>,
}

/// A store's data: an embedded database, Redis, or memory. Every method is
/// one operation the guest asked for; the limits were checked before.
#[async_trait]
pub trait Backend: Send + Sync {
    /// The value of `key`, if it has one.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Sets `key` to `value`.
    async fn set(&self, key: &str, value: Vec<u8>) -> Result<(), StoreError>;

    /// Deletes `key`; deleting a key that is not there is no error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;

    /// Whether `key` has a value.
    async fn exists(&self, key: &str) -> Result<bool, StoreError>;

    /// Up to `limit` keys, starting where `cursor` (from an earlier page)
    /// says, or at the beginning.
    async fn list_keys(&self, cursor: Option<&str>, limit: usize) -> Result<KeyPage, StoreError>;

    /// Adds `delta` to the number stored at `key` (0 if none; the value is
    /// its decimal digits) and returns the new number, atomically.
    async fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError>;

    /// Sets `key` to `value` if its value is still `expected` (`None`: it has
    /// none), atomically; `false` if it changed.
    async fn swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: Vec<u8>,
    ) -> Result<bool, StoreError>;
}

/// The number a stored value holds for [`Backend::increment`], plus `delta`
/// (the rule the SDK's test stores keep too).
pub(super) fn incremented(current: Option<&[u8]>, delta: i64) -> Result<i64, StoreError> {
    wafer_contract::store::incremented(current, delta)
        .map_err(|reason| StoreError::Other(reason.into()))
}

/// The page of `keys` (fetched one more than `limit`, to know whether more
/// follow): at most `limit` keys, and the last one as the next cursor.
pub(super) fn page(mut keys: Vec<String>, limit: usize) -> KeyPage {
    let cursor = if keys.len() > limit {
        keys.truncate(limit);
        keys.last().cloned()
    } else {
        None
    };
    KeyPage { keys, cursor }
}
