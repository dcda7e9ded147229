//! The Wafer host: serves many WASI HTTP components behind one port.
//!
//! - [`manifest`] reads `wafer.toml`: components, routes, sources.
//! - [`routes`] picks the component for a path: longest route prefix first.
//! - [`runtime`] is wasmtime: the engine, loading and checking components, and
//!   the sandboxed per-request state.
//! - [`server`] is the HTTP front: hyper, a fresh instance per request, and a
//!   JSON error for every failure.
//! - [`auth`] is security at the edge: the gate that checks requests against
//!   their operations' security requirements, the forwarded identity, and the
//!   OAuth2 token endpoint.
//! - [`limits`] is what one request may cost: memory, CPU and wall-clock time,
//!   body size, concurrency.
//! - [`docs`] merges the components' OpenAPI documents and serves them with
//!   Swagger UI and ReDoc.
//!
//! The `wafer` binary (`src/main.rs`) is the command line over these.

pub mod auth;
pub mod docs;
pub mod limits;
pub mod manifest;
pub mod routes;
pub mod runtime;
pub mod server;
