//! Subcommands of the `wafer` binary beyond serving.

pub(crate) mod auth;
pub(crate) mod reload;
