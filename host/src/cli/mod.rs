//! Subcommands of the `wafer` binary beyond serving.

pub(crate) mod auth;
pub(crate) mod build;
pub(crate) mod dev;
pub(crate) mod export;
pub(crate) mod new;
pub(crate) mod progress;
pub(crate) mod reload;
