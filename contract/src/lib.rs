//! What the Wafer host and the Wafer SDK must agree on, in one place.
//!
//! The host's security gate decides, before a guest runs, which operation of
//! a component's OpenAPI document a request is for; the SDK's router decides
//! which handler serves it. If the two read a request differently, a request
//! can pass the gate as one operation and be served as another. So every rule
//! both sides of that trust boundary apply lives here, and both use it:
//!
//! - [`path`]: path templates (`/items/{id}`), how a request path is split and
//!   decoded, and the [`Router`](path::Router) that picks the template for a
//!   method and path;
//! - [`method`]: the methods an OpenAPI path item can hold, and their names
//!   there;
//! - [`query`]: how a query string is decoded;
//! - [`redirect`]: how a `Location` is written, and where a path with its
//!   trailing slash the other way round is redirected;
//! - [`cookie`]: how a `Cookie` header is read;
//! - [`credentials`]: bearer tokens in `Authorization`, their length limit,
//!   and the scopes that claims grant;
//! - [`identity`]: the `wafer-identity` header in which the host forwards the
//!   claims it verified, signed with a secret only it and its guests know;
//! - [`store`]: how the host tells a guest that a key-value store is out of
//!   reach.
//!
//! The crate compiles for the host and for `wasm32-wasip2` guests, and holds
//! nothing of WASI or wasmtime.

// Functions read top to bottom: none is longer than clippy.toml allows.
#![warn(clippy::too_many_lines)]

pub mod cookie;
pub mod credentials;
pub mod identity;
pub mod method;
pub mod path;
pub mod query;
pub mod redirect;
pub mod store;
