//! The native-tls backend, end to end: the client built with
//! `--no-default-features --features native-tls` reaches the sandbox behind the
//! mutual-TLS front (`pki`) through the platform's TLS library, trusting the test's
//! private root alone and showing its identity to the token endpoint and the resources,
//! over TLS 1.3 and TLS 1.2, with PKCS#8 keys in every layout; keys in another encoding
//! and keys of another certificate are refused when loaded, saying why (the platform
//! library would only find the second at the handshake, and then send no certificate).
//!
//! `cargo test -p espi-client --no-default-features --features native-tls --test native_tls`
//! (CI runs it).

mod common;
mod pki;

use espi_client::{Client, ClientIdentity, Error};
use pki::deployment::{
    Layout, client_chain, client_key, client_keys, deployment, identity, token_and_resource,
};

#[tokio::test]
async fn pkcs8_identities_reach_the_token_endpoint_and_the_resources() {
    for tls12_only in [false, true] {
        let deployment = deployment(tls12_only, &["127.0.0.1"]).await;
        let keys = client_keys();
        let pkcs8 = keys.iter().filter(|key| key.label.contains("PKCS#8"));
        for key in pkcs8 {
            let (chain, leaf) = client_chain(key, &deployment.client_authority);
            for layout in Layout::ALL {
                let case = format!("{}, {layout:?}, TLS 1.2 only: {tls12_only}", key.label);
                let client = Client::new(
                    deployment
                        .config()
                        .with_identity(identity(&chain, &key.file, layout)),
                )
                .expect("a client");
                let before = deployment.front.handshakes().len();
                let entries = token_and_resource(&client)
                    .await
                    .unwrap_or_else(|error| panic!("{case}: {error}"));
                assert!(entries >= 1, "{case}: {entries} entries");
                let handshakes = deployment.front.handshakes();
                assert!(handshakes.len() - before >= 2, "{case}");
                for handshake in &handshakes[before..] {
                    assert_eq!(
                        handshake.as_ref().expect("accepted"),
                        &Some(pki::first_der(&leaf)),
                        "{case}"
                    );
                }
            }
        }
    }
}

/// The message of a refused identity.
fn refusal(chain: &str, key: &str) -> String {
    match ClientIdentity::from_pem(chain.as_bytes(), key.as_bytes()) {
        Ok(_) => panic!("accepted"),
        Err(error @ Error::Config(_)) => error.to_string(),
        Err(other) => panic!("not a configuration error: {other:?}"),
    }
}

#[test]
fn keys_native_tls_cannot_take_are_refused_when_loaded() {
    let root = pki::root("espi test root");
    let authority = pki::intermediate("espi test client CA", &root);
    for label in ["RSA 2048, PKCS#1", "EC P-256, SEC1 after EC PARAMETERS"] {
        let key = client_key(label);
        let (chain, _) = client_chain(&key, &authority);
        let message = refusal(&chain, &key.file);
        assert!(
            message.contains("the private key must be PKCS#8") && message.contains("openssl pkcs8"),
            "{label}: {message}"
        );
    }
    let rsa = client_key("RSA 2048, PKCS#8");
    let ec = client_key("EC P-256, PKCS#8");
    let (chain, _) = client_chain(&rsa, &authority);
    let message = refusal(&chain, &ec.file);
    assert!(
        message.contains("the private key does not belong to the first certificate"),
        "{message}"
    );
}
