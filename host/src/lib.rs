//! The Wafer host: serves many WASI HTTP components behind one port.
//!
//! Layers, each importing only those below it:
//!
//! - [`manifest`] reads `wafer.toml`: components, routes, limits, auth and
//!   docs settings. With [`routes`] (the route patterns and the table that
//!   finds a component by path), [`reply`] (answers the host writes itself,
//!   as values), [`peer`] (who sent a request) and [`rate`] (token buckets per
//!   caller), it is the bottom.
//! - [`store`] holds the key-value stores (embedded SQLite, memory) that
//!   components are granted by name, and their limits.
//! - [`runtime`] is wasmtime: the engine, loading and checking components,
//!   the sandboxed per-request state, and [`Component::call`](runtime::Component::call),
//!   the per-request entry point.
//! - [`auth`] is security at the edge: the gate that checks requests against
//!   their operations' security requirements (with the path rules of
//!   `wafer-contract`, which the SDK routes by), the forwarded identity, and
//!   the OAuth2 token endpoint.
//! - [`docs`] merges the components' OpenAPI documents and serves them with
//!   Swagger UI and ReDoc.
//! - [`deployment`] puts one manifest together: each component with its gate
//!   rules and permits, the gate and the docs.
//! - [`export`] writes manifests of other hosts for the same components
//!   (Spin's `spin.toml`); it reads only [`manifest`].
//! - [`server`] is the HTTP front: hyper, the current deployment, and a JSON
//!   error for every failure; [`tls`] its certificates, when it serves HTTPS.
//!
//! The `wafer` binary (`src/main.rs`) is the command line over these.

// Functions of the host read top to bottom: none is longer than
// `too-many-lines-threshold` (clippy.toml).
#![warn(clippy::too_many_lines)]

pub mod auth;
pub mod deployment;
pub mod docs;
pub mod export;
pub mod manifest;
pub mod peer;
pub mod rate;
pub mod reply;
pub mod routes;
pub mod runtime;
pub mod server;
pub mod store;
pub mod tls;
