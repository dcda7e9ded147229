//! `wasi:config/store@0.2.0-draft-2024-09-27`.

#[allow(missing_docs, unreachable_pub, clippy::all)]
mod bindings {
    wit_bindgen::generate!({
        path: "wit/config-0.2.0-draft-2024-09-27",
        world: "wasi:config/imports",
    });
}

use bindings::wasi::config::store;

/// Every key and value.
pub(super) fn get_all() -> Result<Vec<(String, String)>, String> {
    store::get_all().map_err(|error| match error {
        store::Error::Upstream(reason) | store::Error::Io(reason) => reason,
    })
}
