//! HTTPS: a certificate the test makes, verified by a client that trusts
//! only the authority that made it; HTTP/2 and HTTP/1.1 by ALPN; the
//! certificate replaced on SIGHUP without dropping a connection; a bad one
//! refused at start and on reload, naming the file.

use crate::support::tls::{Authority, TlsClient};
use crate::support::{Server, refused_start, wasm};

/// A folder with `cert.pem`, `key.pem` and a manifest serving `hello` over
/// HTTPS with them.
fn manifest(dir: &tempfile::TempDir, certificate: &(String, String)) -> String {
    std::fs::write(dir.path().join("cert.pem"), &certificate.0).expect("write cert");
    std::fs::write(dir.path().join("key.pem"), &certificate.1).expect("write key");
    let manifest = dir.path().join("wafer.toml");
    std::fs::write(
        &manifest,
        format!(
            "[server]\ntls = {{ cert = \"cert.pem\", key = \"key.pem\" }}\n\n\
             [[component]]\nname = \"hello\"\nroute = \"/hello/...\"\nsource = {:?}\n",
            wasm("hello")
        ),
    )
    .expect("write manifest");
    manifest.display().to_string()
}

#[test]
fn https_is_served_with_http2_and_http1_by_alpn() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let authority = Authority::new();
    let server = Server::wafer(&[&manifest(&dir, &authority.issue())]);
    assert!(server.url.starts_with("https://"), "{}", server.url);
    for (offered, agreed) in [
        (&["h2", "http/1.1"][..], "h2"),
        (&["http/1.1"][..], "http/1.1"),
    ] {
        let mut client = TlsClient::connect(&server.url, &authority.pem, offered).expect("connect");
        assert_eq!(client.protocol, agreed);
        assert_eq!(
            client.get("/hello").expect("GET /hello"),
            (200, r#"{"message":"hello"}"#.to_owned())
        );
    }
    // The guest learns the scheme: its trailing-slash redirect says https.
    let mut client = TlsClient::connect(&server.url, &authority.pem, &["h2"]).expect("connect");
    let redirect = client.fetch("/hello/?x=1").expect("GET /hello/");
    assert_eq!(redirect.status(), 307);
    // HTTP/2 names the host in `:authority`, which the host hands on as `Host`.
    assert_eq!(
        redirect.headers()["location"],
        format!("{}/hello?x=1", server.url).as_str()
    );
    // A client that trusts another authority refuses the certificate.
    let stranger = Authority::new();
    let refused = TlsClient::connect(&server.url, &stranger.pem, &["h2"]).err();
    assert!(refused.is_some_and(|error| error.starts_with("TLS: ")));
    // Plain HTTP on the HTTPS port gets no answer.
    let plain = crate::support::client::raw(
        &server.url.replace("https://", "http://"),
        "GET /hello HTTP/1.1\r\nhost: x\r\n\r\n",
    );
    assert!(!plain.contains("hello"), "{plain}");
}

#[test]
fn sighup_replaces_the_certificate_and_keeps_the_connections() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (old, new) = (Authority::new(), Authority::new());
    let path = manifest(&dir, &old.issue());
    let server = Server::wafer(&[&path]);
    let mut open = TlsClient::connect(&server.url, &old.pem, &["h2"]).expect("connect");
    assert_eq!(open.get("/hello").expect("GET").0, 200);

    // A certificate that does not load is refused, and the old one stays.
    std::fs::write(dir.path().join("cert.pem"), "not a certificate").expect("write");
    server.signal("HUP");
    let log = server.wait_for_log("reload refused");
    assert!(log.contains("cert.pem"), "{log}");
    assert!(TlsClient::connect(&server.url, &old.pem, &["h2"]).is_ok());

    manifest(&dir, &new.issue());
    server.signal("HUP");
    server.wait_for_log("reloaded");
    assert!(
        TlsClient::connect(&server.url, &old.pem, &["h2"]).is_err(),
        "new connections get the new certificate"
    );
    let mut fresh = TlsClient::connect(&server.url, &new.pem, &["h2"]).expect("connect");
    assert_eq!(fresh.get("/hello").expect("GET").0, 200);
    assert_eq!(
        open.get("/hello")
            .expect("the connection made before still serves")
            .0,
        200
    );
}

#[test]
fn a_certificate_that_does_not_load_stops_the_start_naming_the_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let authority = Authority::new();
    let (certificate, key) = authority.issue();
    let (_, other_key) = authority.issue();
    for (cert, key, says) in [
        (
            "garbage".to_owned(),
            key.clone(),
            "cert.pem: it holds no certificate",
        ),
        (
            certificate.clone(),
            "garbage".to_owned(),
            "key.pem: no PEM private key in it",
        ),
        (
            certificate,
            other_key,
            "the key does not go with the certificate",
        ),
    ] {
        let stderr = refused_start(&manifest(&dir, &(cert, key)));
        assert!(stderr.contains("server.tls: "), "{stderr}");
        assert!(stderr.contains(says), "{says}: {stderr}");
    }
}
