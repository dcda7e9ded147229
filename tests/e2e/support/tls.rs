//! HTTPS for the tests: certificates made on the spot (rcgen), and a client
//! that verifies them against the authority that made them and speaks
//! HTTP/1.1 or HTTP/2 as ALPN agrees.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};

/// A certificate authority of the test's own.
pub(crate) struct Authority {
    params: CertificateParams,
    key: KeyPair,
    /// Its certificate, PEM.
    pub(crate) pem: String,
}

impl Authority {
    pub(crate) fn new() -> Authority {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let pem = params.self_signed(&key).expect("self-signed").pem();
        Authority { params, key, pem }
    }

    /// A certificate for `localhost` and 127.0.0.1, and its key: PEM each.
    pub(crate) fn issue(&self) -> (String, String) {
        let key = KeyPair::generate().expect("key");
        let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("params");
        let issuer = Issuer::from_params(&self.params, &self.key);
        let certificate = params.signed_by(&key, &issuer).expect("signed");
        (certificate.pem(), key.serialize_pem())
    }
}

enum Sender {
    Http1(http1::SendRequest<Empty<Bytes>>),
    Http2(http2::SendRequest<Empty<Bytes>>),
}

/// One HTTPS connection, kept open between requests.
pub(crate) struct TlsClient {
    runtime: tokio::runtime::Runtime,
    sender: Sender,
    address: String,
    /// The protocol ALPN agreed on.
    pub(crate) protocol: String,
}

impl TlsClient {
    /// Connects to `url` (`https://127.0.0.1:PORT`), trusting only
    /// `authority_pem`, offering `protocols` by ALPN.
    pub(crate) fn connect(
        url: &str,
        authority_pem: &str,
        protocols: &[&str],
    ) -> Result<TlsClient, String> {
        let address = url.trim_start_matches("https://").to_owned();
        let mut roots = rustls::RootCertStore::empty();
        for certificate in CertificateDer::pem_slice_iter(authority_pem.as_bytes()) {
            roots
                .add(certificate.map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        }
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
        config.alpn_protocols = protocols.iter().map(|p| p.as_bytes().to_vec()).collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let (sender, protocol) = runtime.block_on(async {
            let tcp = tokio::net::TcpStream::connect(&address)
                .await
                .map_err(|e| e.to_string())?;
            let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
            let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS: {e}"))?;
            let protocol = tls
                .get_ref()
                .1
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default();
            let io = TokioIo::new(tls);
            let sender = if protocol == "h2" {
                let (sender, connection) = http2::handshake(TokioExecutor::new(), io)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::spawn(connection);
                Sender::Http2(sender)
            } else {
                let (sender, connection) = http1::handshake(io).await.map_err(|e| e.to_string())?;
                tokio::spawn(connection);
                Sender::Http1(sender)
            };
            Ok::<_, String>((sender, protocol))
        })?;
        Ok(TlsClient {
            runtime,
            sender,
            address,
            protocol,
        })
    }

    /// `GET path` on this connection: the status and the body.
    pub(crate) fn get(&mut self, path: &str) -> Result<(u16, String), String> {
        let response = self.fetch(path)?;
        Ok((response.status().as_u16(), response.into_body()))
    }

    /// `GET path` on this connection: the whole response, its body as text.
    pub(crate) fn fetch(&mut self, path: &str) -> Result<http::Response<String>, String> {
        let request = http::Request::get(format!("https://{}{path}", self.address))
            .header("host", "localhost")
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        let sender = &mut self.sender;
        self.runtime.block_on(async move {
            let response = match sender {
                Sender::Http1(sender) => sender.send_request(request).await,
                Sender::Http2(sender) => sender.send_request(request).await,
            }
            .map_err(|e| e.to_string())?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
            let body = String::from_utf8_lossy(&body).into_owned();
            Ok(http::Response::from_parts(parts, body))
        })
    }
}
