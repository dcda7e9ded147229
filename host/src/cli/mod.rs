//! Subcommands of the `wafer` binary beyond serving.

pub(crate) mod auth;
