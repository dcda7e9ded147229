//! `[server] tls`: the certificate the host serves HTTPS with.
//!
//! ```toml
//! [server]
//! tls = { cert = "tls/cert.pem", key = "tls/key.pem" }   # relative to the manifest
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Where the certificate chain and its private key are, as PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// The certificate chain, the server's own certificate first.
    pub cert: PathBuf,
    /// Its private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// `tls` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTls {
    cert: PathBuf,
    key: PathBuf,
}

impl RawTls {
    /// The settings, paths resolved against `base`.
    pub(super) fn resolve(self, base: &Path) -> TlsSettings {
        TlsSettings {
            cert: base.join(self.cert),
            key: base.join(self.key),
        }
    }
}
