//! With the `native-roots` feature the client trusts the operating system's roots as
//! rustls-native-certs reads them, which are the files `SSL_CERT_FILE` or `SSL_CERT_DIR`
//! name when either is set: a root written to a file and named there is trusted without
//! any root certificate in the client's configuration.
//!
//! `cargo test -p espi-client --features native-roots --test native_roots` (CI runs it).
//! The test sets the variable for its whole process, so it is alone in this file.

mod common;
mod pki;

use common::{BULK_SCOPE, NOW, TestClock};
use espi_client::{Client, ClientConfig, ClientIdentity, Endpoints};
use rcgen::KeyPair;

#[test]
fn a_root_named_by_ssl_cert_file_is_trusted() {
    let root = pki::root("espi test root, named by SSL_CERT_FILE");
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("native-roots.pem");
    std::fs::write(&file, root.pem()).expect("the root file");
    // SAFETY: no other thread runs yet: this is the only test of the binary, and the
    // runtime starts below.
    unsafe {
        std::env::set_var("SSL_CERT_FILE", &file);
        std::env::remove_var("SSL_CERT_DIR");
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let clock = TestClock::at(NOW);
        let sandbox = common::start(common::sandbox_config(&clock)).await;
        let server_key = KeyPair::generate().expect("a key");
        let front = pki::TlsFront::start(
            pki::FrontConfig {
                chain: pki::leaf("Data Custodian", &["127.0.0.1"], &server_key, &root),
                key: server_key,
                client_root: root.der().clone(),
                tls12_only: false,
            },
            sandbox.address(),
        )
        .await;
        let client_key = pki::key_file("ec.pkcs8.pem");
        let certificate = pki::leaf("third party", &[], &pki::key_pair(&client_key), &root);
        let base = format!("{}/DataCustodian", front.origin);
        let endpoints = Endpoints::new(
            &format!("{base}/oauth/authorize"),
            &format!("{base}/oauth/token"),
            &format!("{base}/espi/1_1/resource"),
        )
        .expect("https endpoints");
        let config = ClientConfig::new(endpoints, sandbox.client_id(), sandbox.client_secret())
            .with_clock(std::sync::Arc::new(clock.clone()))
            .with_identity(
                ClientIdentity::from_pem(certificate.as_bytes(), client_key.as_bytes())
                    .expect("an identity"),
            );
        assert!(config.root_certificates.is_none() && config.built_in_roots);
        let client = Client::new(config).expect("a client");
        let tokens = client
            .client_credentials(Some(BULK_SCOPE))
            .await
            .expect("the token endpoint's certificate chains to the root SSL_CERT_FILE names");
        client
            .session(tokens.key())
            .read_service_status()
            .await
            .expect("so does the resource server's");
    });
}
