//! `wasi:keyvalue`: `store`, `atomics` and `batch`, in the two versions
//! components are built against: `@0.2.0-draft2` (what Spin 4 links, and the
//! SDK imports) and `@0.2.0-draft` (wasmtime 48's). Both go through
//! [`KvOps`], so that grants, limits and backends are the same rules
//! whichever version a guest imports.

use std::sync::Arc;

use wasmtime::component::{HasData, Linker, Resource, ResourceTable, ResourceTableError};

use super::state::RequestState;
use crate::store::{Backend, KvAccess, Store, StoreError};

/// An open store, as a guest's `bucket` resource holds it.
pub struct Bucket {
    store: Store,
    /// The draft's numeric list cursors: indexes into the cursors this
    /// bucket has handed out (the backends' cursors are text).
    cursors: Vec<String>,
}

/// A draft2 `cas` handle: a key and the value it had when the handle was
/// made.
pub struct Cas {
    store: Store,
    key: String,
    current: Option<Vec<u8>>,
}

/// A failed operation: an error the guest gets, or a trap.
pub enum KvError {
    /// Reported to the guest.
    Store(StoreError),
    /// A broken resource handle: the guest's instance traps.
    Trap(wasmtime::Error),
}

impl From<StoreError> for KvError {
    fn from(error: StoreError) -> Self {
        KvError::Store(error)
    }
}

impl From<ResourceTableError> for KvError {
    fn from(error: ResourceTableError) -> Self {
        KvError::Trap(error.into())
    }
}

/// The operations of every version: one request's access to the stores and
/// the resource table its handles live in.
pub struct KvOps<'a> {
    access: &'a mut KvAccess,
    table: &'a mut ResourceTable,
}

impl KvOps<'_> {
    fn open(&mut self, name: &str) -> Result<Resource<Bucket>, KvError> {
        let store = self.access.open(name)?;
        Ok(self.table.push(Bucket {
            store,
            cursors: Vec::new(),
        })?)
    }

    /// The backend of `bucket`, once an operation on `keys` keys is
    /// counted and their lengths checked.
    fn backend(
        &mut self,
        bucket: &Resource<Bucket>,
        keys: &[&str],
    ) -> Result<Arc<dyn Backend>, KvError> {
        self.access.charge(keys.len().max(1))?;
        for key in keys {
            self.access.check_key(key)?;
        }
        Ok(self.table.get(bucket)?.store.backend.clone())
    }

    async fn get(
        &mut self,
        bucket: &Resource<Bucket>,
        key: &str,
    ) -> Result<Option<Vec<u8>>, KvError> {
        let backend = self.backend(bucket, &[key])?;
        Ok(backend.get(key).await?)
    }

    async fn set(
        &mut self,
        bucket: &Resource<Bucket>,
        key: &str,
        value: Vec<u8>,
    ) -> Result<(), KvError> {
        self.access.check_value(&value)?;
        let backend = self.backend(bucket, &[key])?;
        Ok(backend.set(key, value).await?)
    }

    async fn delete(&mut self, bucket: &Resource<Bucket>, key: &str) -> Result<(), KvError> {
        let backend = self.backend(bucket, &[key])?;
        Ok(backend.delete(key).await?)
    }

    async fn exists(&mut self, bucket: &Resource<Bucket>, key: &str) -> Result<bool, KvError> {
        let backend = self.backend(bucket, &[key])?;
        Ok(backend.exists(key).await?)
    }

    /// A page of keys after the text `cursor`.
    async fn list_keys(
        &mut self,
        bucket: &Resource<Bucket>,
        cursor: Option<&str>,
    ) -> Result<crate::store::KeyPage, KvError> {
        if let Some(cursor) = cursor {
            self.access.check_key(cursor)?;
        }
        let backend = self.backend(bucket, &[])?;
        let limit = self.access.limits().max_keys_per_list;
        Ok(backend.list_keys(cursor, limit).await?)
    }

    async fn increment(
        &mut self,
        bucket: &Resource<Bucket>,
        key: &str,
        delta: i64,
    ) -> Result<i64, KvError> {
        let backend = self.backend(bucket, &[key])?;
        Ok(backend.increment(key, delta).await?)
    }

    async fn get_many(
        &mut self,
        bucket: &Resource<Bucket>,
        keys: Vec<String>,
    ) -> Result<Vec<(String, Option<Vec<u8>>)>, KvError> {
        let names: Vec<&str> = keys.iter().map(String::as_str).collect();
        let backend = self.backend(bucket, &names)?;
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            let value = backend.get(&key).await?;
            values.push((key, value));
        }
        Ok(values)
    }

    async fn set_many(
        &mut self,
        bucket: &Resource<Bucket>,
        pairs: Vec<(String, Vec<u8>)>,
    ) -> Result<(), KvError> {
        for (_, value) in &pairs {
            self.access.check_value(value)?;
        }
        let names: Vec<&str> = pairs.iter().map(|(key, _)| key.as_str()).collect();
        let backend = self.backend(bucket, &names)?;
        for (key, value) in pairs {
            backend.set(&key, value).await?;
        }
        Ok(())
    }

    async fn delete_many(
        &mut self,
        bucket: &Resource<Bucket>,
        keys: Vec<String>,
    ) -> Result<(), KvError> {
        let names: Vec<&str> = keys.iter().map(String::as_str).collect();
        let backend = self.backend(bucket, &names)?;
        for key in keys {
            backend.delete(&key).await?;
        }
        Ok(())
    }

    async fn new_cas(
        &mut self,
        bucket: &Resource<Bucket>,
        key: String,
    ) -> Result<Resource<Cas>, KvError> {
        let backend = self.backend(bucket, &[&key])?;
        let current = backend.get(&key).await?;
        let store = self.table.get(bucket)?.store.clone();
        Ok(self.table.push(Cas {
            store,
            key,
            current,
        })?)
    }

    /// Sets the CAS handle's key to `value` if it still has the value the
    /// handle saw; `Ok(false)` if it changed.
    async fn swap(&mut self, cas: &Resource<Cas>, value: Vec<u8>) -> Result<bool, KvError> {
        self.access.check_value(&value)?;
        self.access.charge(1)?;
        let cas = self.table.get(cas)?;
        let (backend, key, expected) = (
            cas.store.backend.clone(),
            cas.key.clone(),
            cas.current.clone(),
        );
        Ok(backend.swap(&key, expected.as_deref(), value).await?)
    }
}

/// The methods that are the same in both versions' bindings, forwarded to
/// [`KvOps`]: written once, expanded in each version's `impl`s.
macro_rules! same_in_both_versions {
    (bucket) => {
        async fn get(
            &mut self,
            bucket: Resource<Bucket>,
            key: String,
        ) -> Result<Option<Vec<u8>>, KvError> {
            KvOps::get(self, &bucket, &key).await
        }

        async fn set(
            &mut self,
            bucket: Resource<Bucket>,
            key: String,
            value: Vec<u8>,
        ) -> Result<(), KvError> {
            KvOps::set(self, &bucket, &key, value).await
        }

        async fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> Result<(), KvError> {
            KvOps::delete(self, &bucket, &key).await
        }

        async fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> Result<bool, KvError> {
            KvOps::exists(self, &bucket, &key).await
        }

        async fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
            self.table.delete(bucket)?;
            Ok(())
        }
    };
    (batch) => {
        async fn set_many(
            &mut self,
            bucket: Resource<Bucket>,
            pairs: Vec<(String, Vec<u8>)>,
        ) -> Result<(), KvError> {
            KvOps::set_many(self, &bucket, pairs).await
        }

        async fn delete_many(
            &mut self,
            bucket: Resource<Bucket>,
            keys: Vec<String>,
        ) -> Result<(), KvError> {
            KvOps::delete_many(self, &bucket, keys).await
        }
    };
    (store) => {
        async fn open(&mut self, identifier: String) -> Result<Resource<Bucket>, KvError> {
            KvOps::open(self, &identifier)
        }

        fn convert_error(&mut self, error: KvError) -> wasmtime::Result<store::Error> {
            match error {
                KvError::Store(StoreError::NoSuchStore) => Ok(store::Error::NoSuchStore),
                KvError::Store(StoreError::AccessDenied) => Ok(store::Error::AccessDenied),
                KvError::Store(error @ StoreError::Unavailable(_)) => {
                    Ok(store::Error::Other(error.to_string()))
                }
                KvError::Store(StoreError::Other(reason)) => Ok(store::Error::Other(reason)),
                KvError::Trap(trap) => Err(trap),
            }
        }
    };
}
use same_in_both_versions;

/// What `add_to_linker` hands each interface.
struct HasKv;

impl HasData for HasKv {
    type Data<'a> = KvOps<'a>;
}

fn ops(state: &mut RequestState) -> KvOps<'_> {
    let (access, table) = state.kv_parts();
    KvOps { access, table }
}

/// Links both versions of `wasi:keyvalue`.
pub fn add_to_linker(linker: &mut Linker<RequestState>) -> wasmtime::Result<()> {
    draft2::add_to_linker(linker)?;
    draft::add_to_linker(linker)
}

mod draft;
mod draft2;
