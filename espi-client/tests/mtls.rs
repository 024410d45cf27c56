//! Mutual TLS end to end: the sandbox behind a loopback HTTPS front that requires a
//! client certificate chaining to a root the test made (`pki`), reached through the
//! client's real paths, the token endpoint and a resource GET.
//!
//! - Identities with RSA and EC keys in PKCS#8, PKCS#1 and SEC1, issued by an
//!   intermediate authority, with the chain and key in one file or two, are accepted;
//!   the server sees the client's own certificate on every connection.
//! - No identity, or one from another authority, fails at once (no retry) with
//!   [`Error::Tls`] naming the cause, over TLS 1.3 and TLS 1.2; so do a server the client
//!   does not trust, a certificate for another host name, and a `handshake_failure`.
//! - Identities and roots that cannot be used are refused when they are loaded, with
//!   a message that says why.

mod common;
mod pki;

use common::{BULK_SCOPE, NOW};
use espi_client::{Client, ClientConfig, Endpoints, Error, Grant, RootCertificates, TokenSet};
use pki::FrontConfig;
use pki::deployment::{
    Layout, client_chain, client_key, client_keys, deployment, identities_reach_the_server,
    identity, refusal,
};
use rcgen::KeyPair;
use std::time::{Duration, Instant};

#[tokio::test]
async fn identities_the_server_trusts_reach_the_token_endpoint_and_the_resources() {
    identities_reach_the_server(&client_keys()).await;
}

/// Runs `request` and checks that it failed with [`Error::Tls`] after one attempt,
/// long before a retry would end (the default policy: six attempts over about 15 s of backoff).
async fn fails_at_once<T: std::fmt::Debug>(
    client: &Client,
    request: impl std::future::Future<Output = espi_client::Result<T>>,
) -> String {
    let attempts = client.stats().attempts;
    let started = Instant::now();
    let error = request.await.expect_err("refused");
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(!error.is_retryable(), "{error}");
    assert_eq!(client.stats().attempts, attempts + 1, "{error}");
    assert_eq!(client.stats().retries, 0, "{error}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}: {error}");
    error.to_string()
}

/// A session with a token the front never lets reach the sandbox.
async fn session_with_token(client: &Client) -> espi_client::Session {
    let key = client
        .insert_tokens_under(
            "token".into(),
            TokenSet::new(
                "access".into(),
                Grant::ClientCredentials { scope: None },
                NOW,
            ),
        )
        .await
        .expect("stored");
    client.session(key)
}

#[tokio::test]
async fn refused_client_certificates_fail_at_once_naming_the_cause() {
    let stranger = pki::root("another root");
    let stranger_authority = pki::intermediate("another client CA", &stranger);
    for tls12_only in [false, true] {
        let deployment = deployment(tls12_only, &["127.0.0.1"]).await;
        let key = &client_key("EC P-256, PKCS#8");
        let (foreign_chain, _) = client_chain(key, &stranger_authority);
        for (identity, cause) in [
            (None, "the server requires a client certificate"),
            (
                Some(identity(&foreign_chain, &key.file, Layout::TwoFiles)),
                "the server does not trust the certificate authority that issued the client certificate",
            ),
        ] {
            let mut config = deployment.config();
            config.identity = identity;
            let client = Client::new(config).expect("a client");
            let context = format!("TLS 1.2 only: {tls12_only}, {cause}");
            let message = fails_at_once(&client, client.client_credentials(Some(BULK_SCOPE))).await;
            assert!(message.contains("POST"), "{context}: {message}");
            assert!(message.contains(cause), "{context}: {message}");
            let session = session_with_token(&client).await;
            let message = fails_at_once(&client, session.read_service_status()).await;
            assert!(message.contains("GET"), "{context}: {message}");
            assert!(message.contains(cause), "{context}: {message}");
        }
        assert!(
            deployment
                .front
                .handshakes()
                .iter()
                .all(|handshake| handshake.is_err()),
            "no refused identity got through"
        );
    }
}

#[tokio::test]
async fn untrusted_servers_fail_at_once_naming_the_cause() {
    let deployment = deployment(false, &["127.0.0.1"]).await;
    let key = &client_key("RSA 2048, PKCS#8");
    let (chain, _) = client_chain(key, &deployment.client_authority);
    let with_identity =
        |config: ClientConfig| config.with_identity(identity(&chain, &key.file, Layout::TwoFiles));

    // The built-in roots do not know the test root.
    let client = Client::new(with_identity(
        deployment.config_for(&deployment.front.origin),
    ))
    .expect("a client");
    let message = fails_at_once(&client, client.client_credentials(None)).await;
    assert!(message.contains("unknown issuer"), "{message}");
    assert!(message.contains("with_root_certificates"), "{message}");
    let message = fails_at_once(
        &client,
        session_with_token(&client).await.read_service_status(),
    )
    .await;
    assert!(message.contains("unknown issuer"), "{message}");

    // A certificate the trusted root issued for another name.
    let server_key = KeyPair::generate().expect("a key");
    let elsewhere = pki::TlsFront::start(
        FrontConfig {
            chain: pki::leaf("elsewhere", &["dc.example"], &server_key, &deployment.root),
            key: server_key,
            client_root: deployment.root.der().clone(),
            tls12_only: false,
        },
        deployment.sandbox.address(),
    )
    .await;
    let client = Client::new(with_identity(
        deployment.trusting_root(deployment.config_for(&elsewhere.origin)),
    ))
    .expect("a client");
    let message = fails_at_once(&client, client.client_credentials(None)).await;
    assert!(
        message.contains("not issued for this host name"),
        "{message}"
    );

    // A server that ends every handshake with handshake_failure.
    let origin = pki::handshake_failure_server().await;
    let client = Client::new(with_identity(
        deployment.trusting_root(deployment.config_for(&origin)),
    ))
    .expect("a client");
    let message = fails_at_once(&client, client.client_credentials(None)).await;
    assert!(message.contains("ended the handshake"), "{message}");
    assert!(message.contains("HandshakeFailure"), "{message}");
}

#[test]
fn unusable_identities_say_why() {
    let root = pki::root("espi test root");
    let authority = pki::intermediate("espi test client CA", &root);
    let (rsa_key, ec_key) = (
        client_key("RSA 2048, PKCS#8"),
        client_key("EC P-256, PKCS#8"),
    );
    let (chain, leaf) = client_chain(&rsa_key, &authority);
    let rsa = rsa_key.file.as_bytes();
    let ec = ec_key.file.as_bytes();
    let chain = chain.as_bytes();
    for (case, message, says) in [
        (
            "not PEM",
            refusal(b"not a certificate", b"not a key"),
            "no certificate and no private key: the input holds no CERTIFICATE or PRIVATE KEY section",
        ),
        (
            "a certificate without its key",
            refusal(chain, b""),
            "2 certificate(s) but no private key",
        ),
        (
            "a key without its certificate",
            refusal(b"", rsa),
            "a private key but no certificate",
        ),
        (
            "a key that is not the certificate's",
            refusal(chain, ec),
            "the private key does not belong to the first certificate",
        ),
        (
            "the chain with its issuer first",
            refusal(format!("{}{leaf}", authority.pem()).as_bytes(), rsa),
            "the private key does not belong to the first certificate",
        ),
        (
            "an encrypted key",
            refusal(chain, pki::key_file("ec.encrypted.pem").as_bytes()),
            "the private key is encrypted",
        ),
        (
            "two keys",
            refusal(chain, format!("{}{}", rsa_key.file, ec_key.file).as_bytes()),
            "2 private keys; expected one",
        ),
        (
            "a section cut short",
            refusal(rsa, b"-----BEGIN CERTIFICATE-----\nMIIB\n"),
            "not valid PEM",
        ),
        (
            "a key that is not a key",
            refusal(
                chain,
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            ),
            "the private key cannot be used",
        ),
    ] {
        assert!(
            message.starts_with("invalid configuration: client identity: "),
            "{case}: {message}"
        );
        assert!(message.contains(says), "{case}: {message}");
        assert!(!message.contains("builder error"), "{case}: {message}");
    }
}

#[test]
fn unusable_roots_say_why() {
    let refused = |pem: &[u8]| {
        RootCertificates::from_pem(pem)
            .expect_err("refused")
            .to_string()
    };
    let message = refused(b"not a certificate");
    assert!(message.contains("no CERTIFICATE section"), "{message}");
    let message = refused(pki::key_file("ec.pkcs8.pem").as_bytes());
    assert!(message.contains("no CERTIFICATE section"), "{message}");
    let message = refused(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assert!(message.contains("cannot be a root of trust"), "{message}");
    let message = refused(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    assert!(message.contains("not valid PEM"), "{message}");

    // Trusting nothing at all is refused when the client is built.
    let endpoints = Endpoints::new(
        "https://dc.example/oauth/authorize",
        "https://dc.example/oauth/token",
        "https://dc.example/DataCustodian/espi/1_1/resource",
    )
    .expect("endpoints");
    let error =
        Client::new(ClientConfig::new(endpoints, "id", "secret").with_built_in_roots(false))
            .expect_err("nothing to trust");
    assert!(
        error.to_string().contains("no root_certificates"),
        "{error}"
    );
}
