//! What the tests share: building components, running processes, HTTP.

pub(crate) mod client;
pub(crate) mod components;
pub(crate) mod h2;
pub(crate) mod process;
pub(crate) mod python;
pub(crate) mod redis;
pub(crate) mod tls;
pub(crate) mod upstream;

pub(crate) use client::Reply;
pub(crate) use components::{wasm, workspace};
pub(crate) use process::{Server, refused_start, run_to_exit, run_tool};
