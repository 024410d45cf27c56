//! Certificates made in the test, and a loopback HTTPS front for the sandbox that
//! requires a client certificate, as a Data Custodian with mutual TLS does.
//!
//! The certification authorities and every certificate are issued here with rcgen, so
//! nothing expires; the client keys in the encodings users are given are the files of
//! `tests/keys` (see its README). The front terminates TLS with rustls (the
//! `WebPkiClientVerifier` checks the client's chain against the trusted root) and
//! passes the bytes to the sandbox on another loopback port.
#![allow(dead_code)]

pub mod deployment;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A test key file of `tests/keys`.
pub fn key_file(name: &str) -> String {
    let path = format!("{}/tests/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"))
}

/// A certification authority.
pub type Authority = CertifiedIssuer<'static, KeyPair>;

/// A root certification authority named `name`.
pub fn root(name: &str) -> Authority {
    CertifiedIssuer::self_signed(authority_params(name), KeyPair::generate().expect("a key"))
        .expect("a root certificate")
}

/// An intermediate authority named `name` issued by `issuer`.
pub fn intermediate(name: &str, issuer: &Authority) -> Authority {
    CertifiedIssuer::signed_by(
        authority_params(name),
        KeyPair::generate().expect("a key"),
        issuer,
    )
    .expect("an intermediate certificate")
}

fn authority_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("parameters");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

/// A certificate `issuer` issues for `key` (a PKCS#8 PEM key), named `name`: a client
/// certificate when `server_names` is empty, else a server certificate for them.
pub fn leaf(name: &str, server_names: &[&str], key: &KeyPair, issuer: &Authority) -> String {
    let names: Vec<String> = server_names.iter().map(|name| (*name).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("parameters");
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![if server_names.is_empty() {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    params
        .signed_by(key, issuer)
        .expect("a leaf certificate")
        .pem()
}

/// The rcgen key pair of a PKCS#8 PEM key.
pub fn key_pair(pkcs8_pem: &str) -> KeyPair {
    KeyPair::from_pem(pkcs8_pem).expect("a PKCS#8 key rcgen can sign with")
}

/// The DER of the first certificate of a PEM text.
pub fn first_der(pem: &str) -> CertificateDer<'static> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .expect("a certificate")
        .expect("PEM")
}

/// What the server's TLS handshakes came to: the client certificate presented (its
/// DER), or why the handshake failed.
pub type Handshakes = Arc<Mutex<Vec<Result<Option<CertificateDer<'static>>, String>>>>;

/// How a [`TlsFront`] is set up.
pub struct FrontConfig {
    /// The server's certificate chain and key.
    pub chain: String,
    pub key: KeyPair,
    /// The root the client certificates must chain to.
    pub client_root: CertificateDer<'static>,
    /// Only TLS 1.2 (client certificate refusals then happen inside the handshake;
    /// with TLS 1.3 they come after the client has sent its request).
    pub tls12_only: bool,
}

/// An HTTPS server on a loopback port that requires a client certificate and passes
/// every accepted connection to `upstream`.
pub struct TlsFront {
    /// `https://127.0.0.1:PORT`.
    pub origin: String,
    /// Every handshake, in order.
    pub handshakes: Handshakes,
}

impl TlsFront {
    /// Starts the front.
    pub async fn start(config: FrontConfig, upstream: SocketAddr) -> TlsFront {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(config.client_root).expect("a client root");
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .expect("a client verifier");
        let versions: &[&rustls::SupportedProtocolVersion] = if config.tls12_only {
            &[&rustls::version::TLS12]
        } else {
            rustls::DEFAULT_VERSIONS
        };
        let chain: Vec<CertificateDer<'static>> = {
            use rustls::pki_types::pem::PemObject;
            CertificateDer::pem_slice_iter(config.chain.as_bytes())
                .collect::<Result<_, _>>()
                .expect("the server chain")
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(config.key.serialize_der()));
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .expect("protocol versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .expect("a server configuration");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let origin = format!("https://{}", listener.local_addr().expect("an address"));
        let handshakes = Handshakes::default();
        let record = Arc::clone(&handshakes);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let record = Arc::clone(&record);
                tokio::spawn(async move {
                    match acceptor.accept(socket).into_fallible().await {
                        Ok(mut tls) => {
                            let client = tls
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|chain| chain.first().cloned());
                            record.lock().expect("record").push(Ok(client));
                            if let Ok(mut sandbox) = TcpStream::connect(upstream).await {
                                let _ = tokio::io::copy_bidirectional(&mut tls, &mut sandbox).await;
                            }
                        }
                        Err((error, socket)) => {
                            record.lock().expect("record").push(Err(error.to_string()));
                            drain(socket).await;
                        }
                    }
                });
            }
        });
        TlsFront { origin, handshakes }
    }

    /// The handshakes so far.
    pub fn handshakes(&self) -> Vec<Result<Option<CertificateDer<'static>>, String>> {
        self.handshakes.lock().expect("record").clone()
    }
}

/// Reads what the client still sends until it closes (at most a second), so that the
/// alert written before is not lost to a reset when the socket closes with unread data.
async fn drain(mut socket: TcpStream) {
    let _ = socket.shutdown().await;
    let mut buffer = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while matches!(socket.read(&mut buffer).await, Ok(read) if read > 0) {}
    })
    .await;
}

/// A TCP server on a loopback port that answers every ClientHello with a fatal
/// `handshake_failure` alert, as a server does that finds nothing it can agree to.
pub async fn handshake_failure_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let origin = format!("https://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut hello = [0u8; 1024];
                if socket.read(&mut hello).await.is_ok() {
                    // An alert record, TLS 1.2: fatal (2), handshake_failure (40).
                    let _ = socket
                        .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
                        .await;
                    drain(socket).await;
                }
            });
        }
    });
    origin
}
