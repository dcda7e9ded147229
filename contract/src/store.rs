//! What the host and the SDK agree on about key-value stores beyond
//! `wasi:keyvalue` itself.

/// The start of an `other` error's text when the store cannot be reached now
/// (its Redis is down, its database locked for too long): the SDK answers
/// those with 503 and `Retry-After` rather than 500.
pub const UNAVAILABLE: &str = "unavailable: ";
