//! `wasi:keyvalue@0.2.0-draft2`: what Spin 4 links and the SDK imports.

use wasmtime::component::{Linker, Resource};

use super::{Bucket, Cas, HasKv, KvError, KvOps, ops};
use crate::runtime::state::RequestState;
use crate::store::StoreError;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../guest-sdk/wit/keyvalue-0.2.0-draft2",
        world: "wasi:keyvalue/imports",
        imports: { default: async | trappable },
        with: {
            "wasi:keyvalue/store.bucket": crate::runtime::keyvalue::Bucket,
            "wasi:keyvalue/atomics.cas": crate::runtime::keyvalue::Cas,
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

/// The guest's error for `error`, or the trap it is.
fn to_wit(ops: &mut KvOps<'_>, error: KvError) -> wasmtime::Result<store::Error> {
    <KvOps<'_> as store::Host>::convert_error(ops, error)
}

impl store::Host for KvOps<'_> {
    super::same_in_both_versions!(store);
}

impl store::HostBucket for KvOps<'_> {
    super::same_in_both_versions!(bucket);

    async fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        cursor: Option<String>,
    ) -> Result<store::KeyResponse, KvError> {
        let page = KvOps::list_keys(self, &bucket, cursor.as_deref()).await?;
        Ok(store::KeyResponse {
            keys: page.keys,
            cursor: page.cursor,
        })
    }
}

impl atomics::Host for KvOps<'_> {
    async fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: i64,
    ) -> Result<i64, KvError> {
        KvOps::increment(self, &bucket, &key, delta).await
    }

    async fn swap(
        &mut self,
        cas: Resource<Cas>,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), atomics::CasError>> {
        match KvOps::swap(self, &cas, value).await {
            Ok(true) => {
                self.table.delete(cas)?;
                Ok(Ok(()))
            }
            // The handle goes back to the guest, holding the value now there.
            Ok(false) => {
                let handle = self.table.get_mut(&cas)?;
                handle.current = handle.store.backend.get(&handle.key).await.ok().flatten();
                Ok(Err(atomics::CasError::CasFailed(cas)))
            }
            Err(error) => {
                self.table.delete(cas)?;
                Ok(Err(atomics::CasError::StoreError(to_wit(self, error)?)))
            }
        }
    }
}

impl atomics::HostCas for KvOps<'_> {
    async fn new(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
    ) -> Result<Resource<Cas>, KvError> {
        KvOps::new_cas(self, &bucket, key).await
    }

    async fn current(&mut self, cas: Resource<Cas>) -> Result<Option<Vec<u8>>, KvError> {
        Ok(self.table.get(&cas)?.current.clone())
    }

    async fn drop(&mut self, cas: Resource<Cas>) -> wasmtime::Result<()> {
        self.table.delete(cas)?;
        Ok(())
    }
}

impl batch::Host for KvOps<'_> {
    super::same_in_both_versions!(batch);

    async fn get_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> Result<Vec<(String, Option<Vec<u8>>)>, KvError> {
        KvOps::get_many(self, &bucket, keys).await
    }
}
