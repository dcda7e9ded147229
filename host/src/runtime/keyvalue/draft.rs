//! `wasi:keyvalue@0.2.0-draft`: what wasmtime 48's `wasmtime-wasi-keyvalue`
//! links. Its list cursors are numbers: each is an index into the text
//! cursors the bucket handed out.

use wasmtime::component::{Linker, Resource};

use super::{Bucket, HasKv, KvError, KvOps, ops};
use crate::runtime::state::RequestState;
use crate::store::StoreError;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wasi/keyvalue-0.2.0-draft",
        world: "wasi:keyvalue/imports",
        imports: { default: async | trappable },
        with: {
            "wasi:keyvalue/store.bucket": crate::runtime::keyvalue::Bucket,
        },
        trappable_error_type: {
            "wasi:keyvalue/store.error" => crate::runtime::keyvalue::KvError,
        },
    });
}

use bindings::wasi::keyvalue::{atomics, batch, store};

pub(super) fn add_to_linker(linker: &mut Linker<RequestState>) -> wasmtime::Result<()> {
    store::add_to_linker::<_, HasKv>(linker, ops)?;
    atomics::add_to_linker::<_, HasKv>(linker, ops)?;
    batch::add_to_linker::<_, HasKv>(linker, ops)
}

impl store::Host for KvOps<'_> {
    super::same_in_both_versions!(store);
}

impl store::HostBucket for KvOps<'_> {
    super::same_in_both_versions!(bucket);

    async fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        cursor: Option<u64>,
    ) -> Result<store::KeyResponse, KvError> {
        let after = match cursor {
            None => None,
            Some(index) => {
                let cursors = &self.table.get(&bucket)?.cursors;
                let known = usize::try_from(index).ok().and_then(|i| cursors.get(i));
                Some(known.cloned().ok_or_else(|| {
                    StoreError::Other(format!("{index} is not a cursor this bucket gave"))
                })?)
            }
        };
        let page = KvOps::list_keys(self, &bucket, after.as_deref()).await?;
        let cursor = match page.cursor {
            None => None,
            Some(next) => {
                let cursors = &mut self.table.get_mut(&bucket)?.cursors;
                cursors.push(next);
                Some(cursors.len() as u64 - 1)
            }
        };
        Ok(store::KeyResponse {
            keys: page.keys,
            cursor,
        })
    }
}

impl atomics::Host for KvOps<'_> {
    async fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: u64,
    ) -> Result<u64, KvError> {
        let delta = i64::try_from(delta)
            .map_err(|_| StoreError::Other("the increment does not fit in 63 bits".into()))?;
        let value = KvOps::increment(self, &bucket, &key, delta).await?;
        Ok(u64::try_from(value)
            .map_err(|_| StoreError::Other(format!("the value {value} is negative")))?)
    }
}

impl batch::Host for KvOps<'_> {
    super::same_in_both_versions!(batch);

    async fn get_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> Result<Vec<Option<(String, Vec<u8>)>>, KvError> {
        let values = KvOps::get_many(self, &bucket, keys).await?;
        Ok(values
            .into_iter()
            .map(|(key, value)| value.map(|value| (key, value)))
            .collect())
    }
}
