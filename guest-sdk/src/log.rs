//! Where the SDK reports what it cannot put in a response.
//!
//! Guests have no logger of their own: standard error is the channel every
//! `wasi:http` host (Wafer, Spin, `wasmtime serve`) collects.

use std::fmt::Arguments;

/// Reports an error that a client must not see (it gets a 500).
pub(crate) fn error(message: Arguments<'_>) {
    eprintln!("wafer: error: {message}");
}

/// Reports something an operator may want to know that is not an error.
pub(crate) fn note(message: Arguments<'_>) {
    eprintln!("wafer: {message}");
}
