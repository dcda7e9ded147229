//! Integration tests of the guest SDK, run natively through `TestClient`.

mod extractors;
mod oracle;
