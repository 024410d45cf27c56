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

use pki::deployment::{
    ClientKey, client_chain, client_key, client_keys, identities_reach_the_server, refusal,
};

#[tokio::test]
async fn pkcs8_identities_reach_the_token_endpoint_and_the_resources() {
    let pkcs8: Vec<ClientKey> = client_keys()
        .into_iter()
        .filter(|key| key.label.contains("PKCS#8"))
        .collect();
    assert_eq!(pkcs8.len(), 3, "RSA 2048, EC P-256 and P-384");
    identities_reach_the_server(&pkcs8).await;
}

#[test]
fn keys_native_tls_cannot_take_are_refused_when_loaded() {
    let root = pki::root("espi test root");
    let authority = pki::intermediate("espi test client CA", &root);
    for label in ["RSA 2048, PKCS#1", "EC P-256, SEC1 after EC PARAMETERS"] {
        let key = client_key(label);
        let (chain, _) = client_chain(&key, &authority);
        let message = refusal(chain.as_bytes(), key.file.as_bytes());
        assert!(
            message.contains("the private key must be PKCS#8") && message.contains("openssl pkcs8"),
            "{label}: {message}"
        );
    }
    let rsa = client_key("RSA 2048, PKCS#8");
    let ec = client_key("EC P-256, PKCS#8");
    let (chain, _) = client_chain(&rsa, &authority);
    let message = refusal(chain.as_bytes(), ec.file.as_bytes());
    assert!(
        message.contains("the private key does not belong to the first certificate"),
        "{message}"
    );
}
