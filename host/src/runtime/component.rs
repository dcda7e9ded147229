//! Loading a component: checking the file, compiling it, and preparing it for
//! a fresh instance per request.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use thiserror::Error;
use wasmtime::component::InstancePre;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use super::config::Config;
use super::engine::Runtime;
use super::instance::InstancePool;
use super::outbound::OutboundPolicy;
use super::state::RequestState;
use crate::manifest::{ComponentSpec, Limits};
use crate::store::KvAccess;

/// Why a component cannot be served; every variant names the component and its
/// file.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("component {name:?}: cannot read {}: {source}", path.display())]
    Read {
        /// The component's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is WebAssembly of the wrong kind, or not WebAssembly at all.
    #[error("component {name:?}: {}: {reason}", path.display())]
    NotAComponent {
        /// The component's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// What the file is instead, and how to get a component.
        reason: &'static str,
    },
    /// `pre_initialize` is set and the component cannot be pre-initialized.
    #[error("component {name:?}: {}: cannot pre-initialize it (pre_initialize = true): {reason:#}", path.display())]
    PreInitialize {
        /// The component's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// Why.
        reason: anyhow::Error,
    },
    /// wasmtime refused it: invalid, unsupported imports, or no HTTP handler.
    #[error("component {name:?}: {}: {reason:#}", path.display())]
    Invalid {
        /// The component's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// wasmtime's explanation.
        reason: anyhow::Error,
    },
}

/// A component ready to serve: compiled, linked and pre-instantiated, with
/// the sandbox its instances get (limits, environment, outbound rules) and
/// its idle instances, and the manifest entry it was loaded from.
#[derive(Clone)]
pub struct Component {
    spec: Arc<ComponentSpec>,
    instance_pre: InstancePre<RequestState>,
    pub(super) pre: ProxyPre<RequestState>,
    pub(super) outbound: OutboundPolicy,
    /// The manifest's variables and the host's own (the identity secret).
    pub(super) environment: Arc<[(String, String)]>,
    pub(super) instances: InstancePool,
    pub(super) kv: KvAccess,
    pub(super) config: Config,
}

impl Component {
    /// Loads the component a manifest entry describes; its instances get
    /// the entry's environment and `host_env`.
    pub fn load(
        runtime: &Runtime,
        spec: &ComponentSpec,
        host_env: &[(String, String)],
    ) -> Result<Component, LoadError> {
        let path = &spec.source;
        let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
            name: spec.name.clone(),
            path: path.clone(),
            source,
        })?;
        check_kind(&bytes).map_err(|reason| LoadError::NotAComponent {
            name: spec.name.clone(),
            path: path.clone(),
            reason,
        })?;
        let invalid = |reason: anyhow::Error| LoadError::Invalid {
            name: spec.name.clone(),
            path: path.clone(),
            reason,
        };
        // Pre-initialized with the manifest's environment only: the host's
        // own variables (the identity secret, new each start) stay out of
        // the snapshot.
        let bytes = if spec.pre_initialize {
            super::snapshot::pre_initialized(runtime, spec, &bytes).map_err(|error| {
                LoadError::PreInitialize {
                    name: spec.name.clone(),
                    path: path.clone(),
                    reason: error,
                }
            })?
        } else {
            bytes
        };
        let component = runtime
            .compile(&bytes)
            .map_err(|error| invalid(error.into()))?;
        let instance_pre = runtime
            .linker()
            .instantiate_pre(&component)
            .map_err(|error| {
                invalid(
                    anyhow::Error::from(error)
                        .context("it imports what this host does not provide"),
                )
            })?;
        let pre = ProxyPre::new(instance_pre.clone()).map_err(|error| {
            invalid(
                anyhow::Error::from(error)
                    .context("it does not export wasi:http/incoming-handler@0.2.x"),
            )
        })?;
        Ok(Component {
            spec: Arc::new(spec.clone()),
            instance_pre,
            pre,
            outbound: OutboundPolicy::new(&spec.name, &spec.allowed_outbound_hosts),
            environment: spec.environment.iter().chain(host_env).cloned().collect(),
            // More idle instances than requests it may run at once would
            // never be used.
            instances: InstancePool::new(spec.instance_reuse, spec.limits.concurrency),
            kv: KvAccess::default(),
            config: Config::default(),
        })
    }

    /// Gives the component's requests `config` through `wasi:config`.
    pub fn grant_config(&mut self, config: Config) {
        self.config = config;
    }

    /// Grants the component's requests `kv`: its stores and their limits.
    pub fn grant_stores(&mut self, kv: KvAccess) {
        self.kv = kv;
    }

    /// Its manifest entry.
    pub fn spec(&self) -> &ComponentSpec {
        &self.spec
    }

    /// What one of its requests may cost.
    pub fn limits(&self) -> &Limits {
        &self.spec.limits
    }

    /// The manifest's name for it.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The pre-instantiated component (to time instantiation alone; requests
    /// go through [`Component::call`]).
    pub fn pre(&self) -> &ProxyPre<RequestState> {
        &self.pre
    }

    /// The component's OpenAPI document, from its `wafer:app/metadata` export,
    /// checked to be JSON.
    pub async fn openapi(&self, runtime: &Runtime) -> anyhow::Result<serde_json::Value> {
        let document = super::metadata::openapi(runtime, &self.instance_pre)
            .await
            .with_context(|| {
                format!(
                    "component {:?} ({})",
                    self.spec.name,
                    self.spec.source.display()
                )
            })?;
        serde_json::from_str(&document).with_context(|| {
            format!(
                "component {:?} ({}): its OpenAPI document is not JSON",
                self.spec.name,
                self.spec.source.display()
            )
        })
    }
}

/// Tells components from core modules and other files by their header.
fn check_kind(bytes: &[u8]) -> Result<(), &'static str> {
    const MAGIC: &[u8] = b"\0asm";
    const COMPONENT: &[u8] = &[0x0d, 0x00, 0x01, 0x00];
    const CORE_MODULE: &[u8] = &[0x01, 0x00, 0x00, 0x00];
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Err("not a WebAssembly file");
    }
    match &bytes[4..8] {
        version if version == COMPONENT => Ok(()),
        version if version == CORE_MODULE => Err(
            "a core WebAssembly module, not a component: build it with `--target wasm32-wasip2`",
        ),
        _ => Err("WebAssembly of an unknown version"),
    }
}

#[cfg(test)]
mod tests {
    use super::check_kind;

    #[test]
    fn tells_components_from_modules() {
        assert_eq!(check_kind(b"\0asm\x0d\0\x01\0rest"), Ok(()));
        assert!(
            check_kind(b"\0asm\x01\0\0\0rest")
                .is_err_and(|e| e.contains("core WebAssembly module"))
        );
        assert!(check_kind(b"hello world").is_err_and(|e| e.contains("not a WebAssembly file")));
        assert!(check_kind(b"").is_err());
    }
}
