//! Running components: the engine, loading and checking components, and the
//! per-request store state.
//!
//! The layering follows wasmtime's own `wasi-http` crate: [`engine`] configures
//! wasmtime once per process, [`component`] turns a `.wasm` file into a
//! pre-instantiated [`Component`], and [`state`] is what each request's store
//! holds: its WASI context, with no ambient authority.

pub mod component;
pub mod engine;
mod metadata;
pub mod outbound;
pub mod state;

pub use component::{Component, LoadError};
pub use engine::{EngineOptions, Runtime};
pub use outbound::{OutboundPolicy, OutboundRule};
pub use state::RequestState;
