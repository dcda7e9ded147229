//! Running components: the engine, loading and checking components, and the
//! per-request store state.
//!
//! The layering follows wasmtime's own `wasi-http` crate: [`engine`] configures
//! wasmtime once per process, [`cache`] keeps compiled components on disk, [`component`] turns a `.wasm` file into a
//! pre-instantiated [`Component`], [`instance`] gives each request a fresh
//! instance (or, where the manifest allows, a reused one), `call` hands a
//! request to one ([`Component::call`], the per-request entry point), and
//! [`state`] is what each request's store holds: its WASI context, with no
//! ambient authority.

pub mod cache;
mod call;
pub mod component;
pub mod config;
pub mod engine;
pub mod guest_log;
pub mod instance;
pub mod keyvalue;
mod metadata;
pub mod outbound;
pub mod snapshot;
pub mod state;

pub use call::{Answer, GuestCall, Stopped};
pub use component::{Component, LoadError};
pub use engine::{CapacityError, EngineOptions, Runtime};
pub use guest_log::GuestLog;
pub use instance::{Instance, InstancePool};
pub use outbound::OutboundPolicy;
pub use state::RequestState;
