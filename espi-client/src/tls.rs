//! TLS: trusted roots, the mutual-TLS identity, refusals that are not retried ([`ClientIdentity`]).

use crate::error::{Error, Result};
use rustls::pki_types::pem::{self, SectionKind};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::fmt;

/// A TLS client certificate, the certificates that issued it, and its private key, for
/// Data Custodians that require mutual TLS. `Debug` does not show the key.
///
/// ```no_run
/// use espi_client::ClientIdentity;
/// // The certificate chain and the key in one file, or in two.
/// let identity = ClientIdentity::from_pem(&std::fs::read("client.pem")?, &[])?;
/// let identity = ClientIdentity::from_pem(
///     &std::fs::read("client-chain.pem")?,
///     &std::fs::read("client-key.pem")?,
/// )?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// TLS: which servers the client trusts, the certificate it shows a Data Custodian
/// that requires mutual TLS, and the handshake failures that retrying cannot fix.
///
/// # Which servers are trusted
///
/// By default the Mozilla root certificates compiled into the client (webpki-roots),
/// whatever the machine has installed. With the crate's `native-roots` feature the
/// operating system's store is trusted too, as rustls-native-certs reads it (the files
/// named by `SSL_CERT_FILE` or `SSL_CERT_DIR` instead, when either is set). A Data
/// Custodian whose certificate chains to a private certificate authority (a test or
/// staging deployment, a utility's own CA) needs that authority's certificate:
/// [`ClientConfig::with_root_certificates`](crate::ClientConfig::with_root_certificates),
/// and [`with_built_in_roots(false)`](crate::ClientConfig::with_built_in_roots) to
/// trust it alone.
///
/// # Mutual TLS
///
/// A Data Custodian that requires a client certificate (PG&E does) issues one to the
/// registered third party; [`ClientIdentity::from_pem`] takes it with its chain and
/// private key, and checks when it is loaded that they can be used: a file that is not
/// PEM, a certificate without its key, a key without its certificate, or a key that
/// does not belong to the certificate is an [`Error::Config`] that says which. The
/// identity is shown to the token endpoint and to the resource server alike.
///
/// # Failures that are not retried
///
/// A handshake that fails because of a certificate fails again on every retry, so it
/// ends at once in [`Error::Tls`], whose message names the cause:
///
/// | cause | what the message says |
/// |---|---|
/// | the server's certificate chains to no trusted root | unknown issuer: add the root with `with_root_certificates` |
/// | the server's certificate is for another host name, expired or not yet valid | which, with the names or dates |
/// | the client sent no certificate to a server that requires one | the server requires a client certificate (alert `certificate_required`) |
/// | the server does not trust the client certificate's issuer | alert `unknown_ca` |
/// | the server refused the client certificate for another reason | alert `bad_certificate`, `certificate_expired`… |
/// | the server ended the handshake without saying why | alert `handshake_failure`: often a missing client certificate, or no common protocol version or cipher suite |
///
/// Other TLS failures (a connection cut mid-handshake, a corrupted record) stay
/// [`Error::Transport`] and are retried like any network failure.
///
/// # TLS backends
///
/// Everything above holds with rustls, the default (`rustls-tls` feature). With
/// `default-features = false, features = ["native-tls"]` the platform's TLS library is
/// used instead (OpenSSL on Linux, the Security framework on macOS, SChannel on
/// Windows), and three things differ:
///
/// - the built-in roots are the operating system's, not the compiled-in Mozilla ones
///   (`native-roots` is a rustls feature and turns rustls on);
/// - the private key of a [`ClientIdentity`] must be PKCS#8 (`PRIVATE KEY`), the one
///   form every platform library takes: a PKCS#1 or SEC1 key is an [`Error::Config`]
///   that says how to convert it. The other checks of an identity or a root are the
///   same, made by rustls when they are loaded (the platform library would only find a
///   key of another certificate at the handshake, and then send no certificate), so
///   rustls is compiled with either backend;
/// - handshake refusals are not told apart from network failures: they are
///   [`Error::Transport`] (retried by the [`RetryPolicy`](crate::RetryPolicy)), not
///   [`Error::Tls`].
#[derive(Clone)]
pub struct ClientIdentity(pub(crate) reqwest::Identity);

impl ClientIdentity {
    /// From PEM: the certificate chain (the client's own certificate first, then the
    /// certificates that issued it) and one unencrypted private key, PKCS#8
    /// (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), RSA or
    /// ECDSA. They may be in one buffer (pass it as `certificate_chain` and an empty
    /// or identical `private_key`) or in two. Sections with labels the PEM reader does
    /// not know, such as the `EC PARAMETERS` that `openssl ecparam` writes before the
    /// key, are skipped; a public key, CRL or signing request is refused.
    ///
    /// An [`Error::Config`] says what cannot be used: input that is not PEM, no
    /// certificate, no key or more than one, an encrypted key, a key of a kind the TLS
    /// library cannot sign with, or a key that does not belong to the first certificate.
    pub fn from_pem(certificate_chain: &[u8], private_key: &[u8]) -> Result<ClientIdentity> {
        let mut pem = certificate_chain.to_vec();
        if private_key != certificate_chain {
            pem.push(b'\n');
            pem.extend_from_slice(private_key);
        }
        let (chain, key) = read_identity(&pem).map_err(identity_error)?;
        let provider = rustls::crypto::ring::default_provider();
        let pkcs8 = matches!(key, PrivateKeyDer::Pkcs8(_));
        rustls::sign::CertifiedKey::from_der(chain, key, &provider)
            .map_err(|error| identity_error(unusable_identity(&error)))?;
        backend_identity(&pem, pkcs8)
            .map(ClientIdentity)
            .map_err(identity_error)
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientIdentity([redacted])")
    }
}

fn identity_error(reason: String) -> Error {
    Error::Config(format!("client identity: {reason}"))
}

/// The certificates and the one private key of an identity's PEM.
fn read_identity(
    mut pem: &[u8],
) -> std::result::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let encrypted = contains(pem, b"-----BEGIN ENCRYPTED PRIVATE KEY-----");
    let mut chain = Vec::new();
    let mut keys = Vec::new();
    while let Some((kind, der)) = pem::from_buf(&mut pem).map_err(|error| pem_error(&error))? {
        match kind {
            SectionKind::Certificate => chain.push(CertificateDer::from(der)),
            SectionKind::PrivateKey => keys.push(PrivateKeyDer::Pkcs8(der.into())),
            SectionKind::RsaPrivateKey => keys.push(PrivateKeyDer::Pkcs1(der.into())),
            SectionKind::EcPrivateKey => keys.push(PrivateKeyDer::Sec1(der.into())),
            other => {
                return Err(format!(
                    "a {other:?} section, which is neither a certificate nor a private key"
                ));
            }
        }
    }
    if encrypted && keys.is_empty() {
        return Err(
            "the private key is encrypted (ENCRYPTED PRIVATE KEY); the client takes an \
             unencrypted key (`openssl pkcs8 -in KEY.pem -out PLAIN.pem` decrypts it)"
                .to_owned(),
        );
    }
    let key = match (chain.is_empty(), keys.len()) {
        (true, 0) => {
            return Err(
                "no certificate and no private key: the input holds no CERTIFICATE or \
                 PRIVATE KEY section (is it PEM?)"
                    .to_owned(),
            );
        }
        (false, 0) => {
            return Err(format!(
                "{} certificate(s) but no private key (PRIVATE KEY, RSA PRIVATE KEY or \
                 EC PRIVATE KEY)",
                chain.len()
            ));
        }
        (true, _) => return Err("a private key but no certificate (CERTIFICATE)".to_owned()),
        (false, 1) => keys.remove(0),
        (false, count) => return Err(format!("{count} private keys; expected one")),
    };
    Ok((chain, key))
}

/// Why rustls refuses a certificate chain and key.
fn unusable_identity(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InconsistentKeys(_) => "the private key does not belong to the first \
             certificate (the client's own certificate comes first, then the certificates \
             that issued it)"
            .to_owned(),
        rustls::Error::InvalidCertificate(_) => {
            format!("the first certificate cannot be read ({error})")
        }
        other => format!("the private key cannot be used ({other})"),
    }
}

/// Certificates of the certification authorities whose servers the client trusts, in
/// addition to the built-in roots or instead of them (see [`ClientIdentity`]).
///
/// ```
/// use espi_client::RootCertificates;
/// let error = RootCertificates::from_pem(b"not a certificate").unwrap_err();
/// assert!(error.to_string().contains("no CERTIFICATE section"), "{error}");
/// ```
#[derive(Clone)]
pub struct RootCertificates(Vec<CertificateDer<'static>>);

impl RootCertificates {
    /// Every `CERTIFICATE` section of a PEM file or bundle (other sections are
    /// skipped). An [`Error::Config`] when the input is not PEM, holds no certificate,
    /// or holds one that cannot be a root of trust.
    pub fn from_pem(pem: &[u8]) -> Result<RootCertificates> {
        let fail = |reason: String| Error::Config(format!("root certificates: {reason}"));
        let mut reader = pem;
        let mut certificates = Vec::new();
        while let Some((kind, der)) =
            pem::from_buf(&mut reader).map_err(|error| fail(pem_error(&error)))?
        {
            if kind == SectionKind::Certificate {
                certificates.push(CertificateDer::from(der));
            }
        }
        if certificates.is_empty() {
            return Err(fail(
                "no CERTIFICATE section (-----BEGIN CERTIFICATE----- …) in the input".to_owned(),
            ));
        }
        let count = certificates.len();
        for (index, certificate) in certificates.iter().enumerate() {
            rustls::RootCertStore::empty()
                .add(certificate.clone())
                .map_err(|error| {
                    fail(format!(
                        "certificate {} of {count} cannot be a root of trust ({error})",
                        index + 1
                    ))
                })?;
        }
        Ok(RootCertificates(certificates))
    }

    /// The certificates, DER-encoded.
    pub(crate) fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.0
    }
}

impl fmt::Debug for RootCertificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RootCertificates({} certificate(s))", self.0.len())
    }
}

fn pem_error(error: &pem::Error) -> String {
    format!("not valid PEM ({error})")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    position(haystack, needle).is_some()
}

fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The identity reqwest takes, from a checked chain and key: with rustls, the PEM.
#[cfg(feature = "rustls-tls")]
fn backend_identity(pem: &[u8], _pkcs8: bool) -> std::result::Result<reqwest::Identity, String> {
    reqwest::Identity::from_pem(pem).map_err(|error| crate::http::source_chain(&error))
}

/// The identity reqwest takes, from a checked chain and key: native-tls takes a PKCS#8
/// key, the one form every platform library reads, and the key's PEM section alone
/// (the certificate reader skips it in the whole PEM).
#[cfg(not(feature = "rustls-tls"))]
fn backend_identity(pem: &[u8], pkcs8: bool) -> std::result::Result<reqwest::Identity, String> {
    if !pkcs8 {
        return Err(
            "with the native-tls backend the private key must be PKCS#8 (PRIVATE KEY), not \
             PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY): `openssl pkcs8 -topk8 \
             -nocrypt -in KEY.pem -out KEY.pkcs8.pem` converts it"
                .to_owned(),
        );
    }
    let begin = b"-----BEGIN PRIVATE KEY-----";
    let end = b"-----END PRIVATE KEY-----";
    let key_pem = position(pem, begin)
        .and_then(|start| Some(&pem[start..start + position(&pem[start..], end)? + end.len()]))
        .ok_or_else(|| "the PKCS#8 key is not in PEM text form".to_owned())?;
    reqwest::Identity::from_pkcs8_pem(pem, key_pem).map_err(|error| {
        format!(
            "the certificate and the key cannot be used together ({})",
            crate::http::source_chain(&error)
        )
    })
}

/// Why a request's TLS handshake failed, when retrying cannot change it: with native-tls
/// never known, its errors do not say why (see [`ClientIdentity`], "TLS backends").
#[cfg(not(feature = "rustls-tls"))]
pub(crate) fn permanent_failure(_: &(dyn std::error::Error + 'static)) -> Option<String> {
    None
}

/// Why a request's TLS handshake failed, when retrying cannot change it: the rustls
/// error somewhere in `error`'s causes, explained.
#[cfg(feature = "rustls-tls")]
pub(crate) fn permanent_failure(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let cause = rustls_cause(error)?;
    explain(cause).map(|explanation| format!("{explanation} ({cause})"))
}

/// The rustls error among `error`'s causes. Transports wrap it in an `io::Error`,
/// whose `source()` skips the error it wraps, so those are opened by hand.
#[cfg(feature = "rustls-tls")]
fn rustls_cause<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(cause) = error.downcast_ref::<rustls::Error>() {
            return Some(cause);
        }
        current = match error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}

/// What a rustls error means for the user, for the errors no retry can change.
#[cfg(feature = "rustls-tls")]
fn explain(error: &rustls::Error) -> Option<&'static str> {
    use rustls::AlertDescription as Alert;
    use rustls::CertificateError as Certificate;
    Some(match error {
        rustls::Error::InvalidCertificate(problem) => match problem {
            Certificate::UnknownIssuer => {
                "the server's certificate does not chain to a trusted root (unknown issuer); \
                 for a private certificate authority, add its certificate with \
                 ClientConfig::with_root_certificates"
            }
            Certificate::NotValidForName | Certificate::NotValidForNameContext { .. } => {
                "the server's certificate is not issued for this host name"
            }
            Certificate::Expired
            | Certificate::ExpiredContext { .. }
            | Certificate::NotValidYet
            | Certificate::NotValidYetContext { .. } => {
                "the server's certificate is outside its validity period"
            }
            _ => "the server's certificate was refused",
        },
        rustls::Error::NoCertificatesPresented => "the server presented no certificate",
        rustls::Error::PeerIncompatible(_) => {
            "the server shares no protocol version or cipher suite with this client"
        }
        rustls::Error::AlertReceived(alert) => match alert {
            Alert::CertificateRequired => {
                "the server requires a client certificate (set ClientConfig::with_identity)"
            }
            Alert::UnknownCA => {
                "the server does not trust the certificate authority that issued the client \
                 certificate"
            }
            Alert::BadCertificate
            | Alert::UnsupportedCertificate
            | Alert::CertificateRevoked
            | Alert::CertificateExpired
            | Alert::CertificateUnknown
            | Alert::AccessDenied => "the server refused the client certificate",
            Alert::HandshakeFailure => {
                "the server ended the handshake: it may require a client certificate, or share \
                 no protocol version or cipher suite with this client"
            }
            Alert::ProtocolVersion | Alert::InsufficientSecurity => {
                "the server shares no protocol version or cipher suite with this client"
            }
            Alert::UnrecognisedName => "the server does not serve this host name",
            _ => return None,
        },
        _ => return None,
    })
}

#[cfg(all(test, feature = "rustls-tls"))]
mod tests {
    use super::*;

    #[test]
    fn certificate_and_handshake_refusals_are_permanent() {
        use rustls::AlertDescription as Alert;
        use rustls::CertificateError as Certificate;
        for (error, says) in [
            (
                rustls::Error::InvalidCertificate(Certificate::UnknownIssuer),
                "unknown issuer",
            ),
            (
                rustls::Error::InvalidCertificate(Certificate::NotValidForName),
                "host name",
            ),
            (
                rustls::Error::InvalidCertificate(Certificate::Expired),
                "validity period",
            ),
            (
                rustls::Error::AlertReceived(Alert::CertificateRequired),
                "requires a client certificate",
            ),
            (
                rustls::Error::AlertReceived(Alert::UnknownCA),
                "does not trust the certificate authority",
            ),
            (
                rustls::Error::AlertReceived(Alert::HandshakeFailure),
                "ended the handshake",
            ),
        ] {
            // As transports carry it: inside an io::Error.
            let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, error.clone());
            let reason = permanent_failure(&wrapped).expect("permanent");
            assert!(reason.contains(says), "{reason}");
            assert!(reason.contains(&error.to_string()), "{reason}");
        }
        for error in [
            rustls::Error::AlertReceived(Alert::InternalError),
            rustls::Error::DecryptError,
        ] {
            let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, error);
            assert_eq!(permanent_failure(&wrapped), None);
        }
        let plain = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(permanent_failure(&plain), None);
    }
}
