//! Calling a component's `wafer:app/metadata` export.

use anyhow::Context as _;
use wasmtime::component::InstancePre;

use super::engine::Runtime;
use super::state::RequestState;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../guest-sdk/wit/wafer",
        world: "wafer:app/app",
        exports: { default: async },
    });
}

use bindings::AppPre;

/// How long a component may take to produce its document.
const METADATA_CPU: std::time::Duration = std::time::Duration::from_secs(10);

/// The component's OpenAPI document as its `metadata.openapi` export returns
/// it, or why it cannot be had.
pub(super) async fn openapi(
    runtime: &Runtime,
    instance_pre: &InstancePre<RequestState>,
) -> anyhow::Result<String> {
    let pre = AppPre::new(instance_pre.clone()).map_err(|_| {
        anyhow::anyhow!(
            "it does not export wafer:app/metadata@0.1.0, so it has no OpenAPI document \
             (components built with the wafer SDK's `export!` do)"
        )
    })?;
    let mut store = runtime.store(RequestState::new(), METADATA_CPU);
    let app = pre
        .instantiate_async(&mut store)
        .await
        .map_err(anyhow::Error::from)
        .context("cannot instantiate it")?;
    app.wafer_app_metadata()
        .call_openapi(&mut store)
        .await
        .map_err(anyhow::Error::from)
        .context("its metadata.openapi export failed")
}
