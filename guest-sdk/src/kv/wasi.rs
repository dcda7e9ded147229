//! [`Store`](super::Store) over the host's `wasi:keyvalue@0.2.0-draft2`.

use std::rc::Rc;

use super::backend::{Bucket, Opener};
use super::{KeyPage, StoreError};
use wafer_contract::store::UNAVAILABLE;

#[allow(missing_docs, unreachable_pub, clippy::all)]
mod bindings {
    wit_bindgen::generate!({
        path: "wit/keyvalue-0.2.0-draft2",
        world: "wasi:keyvalue/imports",
    });
}

use bindings::wasi::keyvalue::{atomics, store};

/// Opens stores with `wasi:keyvalue/store.open`.
pub(crate) struct WasiOpener;

impl Opener for WasiOpener {
    fn open(&self, name: &str) -> Result<Rc<dyn Bucket>, StoreError> {
        let bucket = store::open(name).map_err(|error| converted(error, name))?;
        Ok(Rc::new(WasiBucket {
            bucket,
            name: name.to_owned(),
        }))
    }
}

/// An open `bucket`.
struct WasiBucket {
    bucket: store::Bucket,
    name: String,
}

/// The SDK's error for the host's; a host that says a store is out of
/// reach (the Wafer host prefixes those) is [`StoreError::Unavailable`].
fn converted(error: store::Error, name: &str) -> StoreError {
    match error {
        store::Error::NoSuchStore => StoreError::NoSuchStore(name.to_owned()),
        store::Error::AccessDenied => StoreError::AccessDenied(name.to_owned()),
        store::Error::Other(reason) => match reason.strip_prefix(UNAVAILABLE) {
            Some(reason) => StoreError::Unavailable(reason.to_owned()),
            None => StoreError::Other(reason),
        },
    }
}

impl WasiBucket {
    fn failed(&self, error: store::Error) -> StoreError {
        converted(error, &self.name)
    }
}

impl Bucket for WasiBucket {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.bucket.get(key).map_err(|error| self.failed(error))
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.bucket
            .set(key, value)
            .map_err(|error| self.failed(error))
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.bucket.delete(key).map_err(|error| self.failed(error))
    }

    fn exists(&self, key: &str) -> Result<bool, StoreError> {
        self.bucket.exists(key).map_err(|error| self.failed(error))
    }

    fn list_keys(&self, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        let page = self
            .bucket
            .list_keys(cursor)
            .map_err(|error| self.failed(error))?;
        Ok(KeyPage {
            keys: page.keys,
            cursor: page.cursor,
        })
    }

    fn increment(&self, key: &str, delta: i64) -> Result<i64, StoreError> {
        atomics::increment(&self.bucket, key, delta).map_err(|error| self.failed(error))
    }

    fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        value: &[u8],
    ) -> Result<bool, StoreError> {
        let cas = atomics::Cas::new(&self.bucket, key).map_err(|error| self.failed(error))?;
        let current = cas.current().map_err(|error| self.failed(error))?;
        if current.as_deref() != expected {
            return Ok(false);
        }
        match atomics::swap(cas, value) {
            Ok(()) => Ok(true),
            Err(atomics::CasError::CasFailed(_)) => Ok(false),
            Err(atomics::CasError::StoreError(error)) => Err(self.failed(error)),
        }
    }
}
