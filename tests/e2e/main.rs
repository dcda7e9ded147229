//! End-to-end tests: the example and test components built to wasm, the real
//! `wafer` binary started on a free loopback port, and real HTTP requests with
//! exact assertions on status, headers and body.
//!
//! They are the `wafer-host` package's integration tests (see its
//! `Cargo.toml`), so `cargo test` builds the `wafer` binary first. The
//! components are built on first use with `cargo build --target
//! wasm32-wasip2 --release`; the compatibility test also installs the
//! matching `wasmtime-cli` into `target/tools` once (or uses `$WASMTIME`).

mod browser;
mod compatibility;
mod config;
mod deploy;
mod digits;
mod docs;
mod examples;
mod faults;
mod gateway;
mod graphql;
mod instances;
mod limits;
mod new;
mod openapi;
mod rate_limits;
mod redis;
mod reload;
mod security;
mod shop;
mod startup;
mod stores;
mod support;
mod tls;
