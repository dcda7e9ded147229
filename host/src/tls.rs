//! HTTPS: rustls (with the `ring` provider), HTTP/1.1 and HTTP/2 chosen by
//! ALPN, and a certificate that a reload replaces without dropping a
//! connection: every handshake asks the [`Certificates`] for the current one.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, RwLock};

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use thiserror::Error;
use tokio_rustls::TlsAcceptor;

use crate::manifest::TlsSettings;

/// Why a certificate or key cannot be used; names the file.
#[derive(Debug, Error)]
pub enum TlsError {
    /// The file cannot be read, or holds no PEM of the kind expected.
    #[error("server.tls: {}: {reason}", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// rustls cannot be set up with the `ring` provider.
    #[error("server.tls: {0}")]
    Config(String),
    /// The key does not go with the certificate, or rustls cannot use it.
    #[error("server.tls: {} and {}: {reason}", cert.display(), key.display())]
    Pair {
        /// The certificate file.
        cert: std::path::PathBuf,
        /// The key file.
        key: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// The certificate the host serves, replaceable while it serves.
pub struct Certificates {
    current: RwLock<Arc<CertifiedKey>>,
}

impl fmt::Debug for Certificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Certificates")
    }
}

impl Certificates {
    /// The certificate and key of `settings`, checked to go together.
    pub fn load(settings: &TlsSettings) -> Result<Arc<Certificates>, TlsError> {
        Ok(Arc::new(Certificates {
            current: RwLock::new(Certificates::read(settings)?),
        }))
    }

    /// The certificate and key of `settings`, checked, to [`replace`] the
    /// current ones with.
    ///
    /// [`replace`]: Certificates::replace
    pub fn read(settings: &TlsSettings) -> Result<Arc<CertifiedKey>, TlsError> {
        certified_key(settings).map(Arc::new)
    }

    /// Serves `key` from the next handshake on; connections made before
    /// keep theirs.
    pub fn replace(&self, key: Arc<CertifiedKey>) {
        match self.current.write() {
            Ok(mut current) => *current = key,
            Err(poisoned) => *poisoned.into_inner() = key,
        }
    }

    /// An acceptor that offers HTTP/2 and HTTP/1.1 with these certificates.
    pub fn acceptor(self: &Arc<Self>) -> Result<TlsAcceptor, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| TlsError::Config(error.to_string()))?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        })
    }
}

/// The chain and key of `settings`, parsed and matched.
fn certified_key(settings: &TlsSettings) -> Result<CertifiedKey, TlsError> {
    let file_error = |path: &Path, reason: String| TlsError::File {
        path: path.to_owned(),
        reason,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&settings.cert)
        .map_err(|error| file_error(&settings.cert, format!("cannot read it: {error}")))?
        .collect::<Result<_, _>>()
        .map_err(|error| {
            file_error(
                &settings.cert,
                format!("not a PEM certificate chain: {error}"),
            )
        })?;
    if chain.is_empty() {
        return Err(file_error(
            &settings.cert,
            "it holds no certificate (-----BEGIN CERTIFICATE-----)".to_owned(),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&settings.key).map_err(|error| {
        file_error(
            &settings.key,
            format!("no PEM private key in it (PKCS#8, PKCS#1 or SEC1): {error}"),
        )
    })?;
    CertifiedKey::from_der(chain, key, &rustls::crypto::ring::default_provider()).map_err(|error| {
        TlsError::Pair {
            cert: settings.cert.clone(),
            key: settings.key.clone(),
            reason: format!("the key does not go with the certificate, or cannot be used: {error}"),
        }
    })
}
