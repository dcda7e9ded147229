//! Integration tests of the guest SDK, run natively through `TestClient`.

mod async_handlers;
mod background;
mod client;
mod compile_fail;
mod constraints;
mod extractors;
mod openapi;
mod oracle;
mod streaming;
mod unions;
