//! A Data Custodian behind the mutual-TLS front, and the client identities users hold
//! (RSA and EC keys in every encoding, the chain and key in one file or two), for the
//! TLS tests of both backends.

use super::{Authority, FrontConfig, TlsFront};
use crate::common::{self, BULK_SCOPE, NOW, TestClock};
use espi_auth::Query;
use espi_client::{Client, ClientConfig, ClientIdentity, Endpoints, Error, RootCertificates};
use rcgen::KeyPair;

/// The root both sides trust, the authority that issues client certificates under it,
/// the sandbox and its HTTPS front.
pub struct Deployment {
    pub root: Authority,
    pub client_authority: Authority,
    pub sandbox: espi_sandbox::RunningSandbox,
    pub front: TlsFront,
    pub clock: TestClock,
}

/// A deployment whose server certificate names `server_names`.
pub async fn deployment(tls12_only: bool, server_names: &[&str]) -> Deployment {
    let root = super::root("espi test root");
    let client_authority = super::intermediate("espi test client CA", &root);
    let server_key = KeyPair::generate().expect("a key");
    let chain = super::leaf("Data Custodian", server_names, &server_key, &root);
    let clock = TestClock::at(NOW);
    let sandbox = common::start(common::sandbox_config(&clock)).await;
    let front = TlsFront::start(
        FrontConfig {
            chain,
            key: server_key,
            client_root: root.der().clone(),
            tls12_only,
        },
        sandbox.address(),
    )
    .await;
    Deployment {
        root,
        client_authority,
        sandbox,
        front,
        clock,
    }
}

impl Deployment {
    /// A client configuration for `origin` (the front, by default) with the default
    /// retry policy, trusting the built-in roots only.
    pub fn config_for(&self, origin: &str) -> ClientConfig {
        let base = format!("{origin}/DataCustodian");
        let endpoints = Endpoints::new(
            &format!("{base}/oauth/authorize"),
            &format!("{base}/oauth/token"),
            &format!("{base}/espi/1_1/resource"),
        )
        .expect("https endpoints");
        ClientConfig::new(
            endpoints,
            self.sandbox.client_id(),
            self.sandbox.client_secret(),
        )
        .with_clock(std::sync::Arc::new(self.clock.clone()))
    }

    /// The configuration trusting the deployment's root alone.
    pub fn config(&self) -> ClientConfig {
        self.trusting_root(self.config_for(&self.front.origin))
    }

    pub fn trusting_root(&self, config: ClientConfig) -> ClientConfig {
        let roots = RootCertificates::from_pem(self.root.pem().as_bytes()).expect("the root");
        config
            .with_root_certificates(roots)
            .with_built_in_roots(false)
    }
}

/// A client key: its PKCS#8 form (for rcgen to issue the certificate) and the file
/// the user has.
pub struct ClientKey {
    pub label: &'static str,
    pub pkcs8: String,
    pub file: String,
}

/// The client key labelled `label`.
pub fn client_key(label: &str) -> ClientKey {
    client_keys()
        .into_iter()
        .find(|key| key.label == label)
        .expect("a key of that label")
}

pub fn client_keys() -> Vec<ClientKey> {
    let key = |label, pkcs8: &str, file: &str| ClientKey {
        label,
        pkcs8: super::key_file(pkcs8),
        file: super::key_file(file),
    };
    let p384 = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384)
        .expect("a P-384 key")
        .serialize_pem();
    vec![
        key("RSA 2048, PKCS#8", "rsa.pkcs8.pem", "rsa.pkcs8.pem"),
        key("RSA 2048, PKCS#1", "rsa.pkcs8.pem", "rsa.pkcs1.pem"),
        key("EC P-256, PKCS#8", "ec.pkcs8.pem", "ec.pkcs8.pem"),
        key(
            "EC P-256, SEC1 after EC PARAMETERS",
            "ec.pkcs8.pem",
            "ec.sec1.pem",
        ),
        ClientKey {
            label: "EC P-384, PKCS#8",
            pkcs8: p384.clone(),
            file: p384,
        },
    ]
}

/// A client certificate `authority` issues for `key`, with the chain up to (not
/// including) the root: (chain PEM, leaf certificate PEM).
pub fn client_chain(key: &ClientKey, authority: &Authority) -> (String, String) {
    let leaf = super::leaf(key.label, &[], &super::key_pair(&key.pkcs8), authority);
    (format!("{leaf}{}", authority.pem()), leaf)
}

/// The ways users hold an identity.
#[derive(Debug, Clone, Copy)]
pub enum Layout {
    /// The chain in one file, the key in another.
    TwoFiles,
    /// One file, the key first (passed alone).
    KeyThenChain,
    /// One file, the chain first (passed as both arguments, as the same file read twice).
    ChainThenKey,
}

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::TwoFiles, Layout::KeyThenChain, Layout::ChainThenKey];
}

pub fn identity(chain: &str, key: &str, layout: Layout) -> ClientIdentity {
    let identity = match layout {
        Layout::TwoFiles => ClientIdentity::from_pem(chain.as_bytes(), key.as_bytes()),
        Layout::KeyThenChain => ClientIdentity::from_pem(format!("{key}{chain}").as_bytes(), &[]),
        Layout::ChainThenKey => {
            let file = format!("{chain}{key}");
            ClientIdentity::from_pem(file.as_bytes(), file.as_bytes())
        }
    };
    identity.expect("a usable identity")
}

/// A token and a resource request through the client: the client_credentials token,
/// then the Authorization feed with it (which holds that token's own authorization);
/// the number of entries.
pub async fn token_and_resource(client: &Client) -> espi_client::Result<usize> {
    let admin = client.client_credentials(Some(BULK_SCOPE)).await?;
    let (entries, _) = client
        .session(admin.key())
        .authorizations(&Query::new())
        .await?
        .collect()
        .await?;
    Ok(entries.len())
}

/// Through a deployment over TLS 1.3 and TLS 1.2, a client with each of `keys`'
/// identities, in every layout, reaches the token endpoint and the resources, and the
/// server sees the client's own certificate on each connection.
pub async fn identities_reach_the_server(keys: &[ClientKey]) {
    for tls12_only in [false, true] {
        let deployment = deployment(tls12_only, &["127.0.0.1", "localhost"]).await;
        for key in keys {
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
                // The token endpoint and the resources each have their own connection,
                // and each showed this client's own certificate.
                let handshakes = deployment.front.handshakes();
                assert!(handshakes.len() - before >= 2, "{case}");
                for handshake in &handshakes[before..] {
                    assert_eq!(
                        handshake.as_ref().expect("accepted"),
                        &Some(super::first_der(&leaf)),
                        "{case}"
                    );
                }
            }
        }
    }
}

/// The message of a refused identity.
pub fn refusal(chain: &[u8], key: &[u8]) -> String {
    match ClientIdentity::from_pem(chain, key) {
        Ok(_) => panic!("accepted"),
        Err(error @ Error::Config(_)) => error.to_string(),
        Err(other) => panic!("not a configuration error: {other:?}"),
    }
}
