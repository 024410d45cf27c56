//! PKCE (RFC 7636) with `S256` only: the challenge a consent keeps and the check of a
//! code exchange.

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use super::GrantError;

/// A PKCE code challenge (RFC 7636 §4.2) with method `S256`:
/// BASE64URL(SHA-256(code_verifier)) without padding, 43 characters.
///
/// `plain` is refused (`invalid_request`, as RFC 7636 §4.4.1 prescribes for an
/// unsupported method), and so is a challenge without a method, which RFC 7636 §4.3
/// defines as `plain`. `plain` exists for clients that cannot compute SHA-256 (§7.2);
/// every ESPI client can, and the OAuth security BCP (RFC 9700 §2.1.1) asks for
/// `S256`. A sandbox that accepted `plain` would let a client ship a downgrade that a
/// stricter Data Custodian refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(pub(super) String);

/// Length of an S256 challenge: 32 bytes in unpadded base64url.
const S256_CHALLENGE_LENGTH: usize = 43;

impl CodeChallenge {
    /// The challenge of an authorization request from its `code_challenge` and
    /// `code_challenge_method` parameters: `Ok(None)` when neither is given.
    pub fn from_request(
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> Result<Option<CodeChallenge>, GrantError> {
        let challenge = match (challenge, method) {
            (None, None) => return Ok(None),
            (None, Some(_)) => {
                return Err(GrantError::invalid_request(
                    "code_challenge_method is given without a code_challenge (RFC 7636 section 4.3)",
                ));
            }
            (Some(challenge), Some("S256")) => challenge,
            (Some(_), None) => {
                return Err(GrantError::invalid_request(
                    "code_challenge_method is missing, which means plain (RFC 7636 section 4.3); \
                     this Data Custodian accepts S256 only",
                ));
            }
            (Some(_), Some("plain")) => {
                return Err(GrantError::invalid_request(
                    "code_challenge_method plain is not accepted: use S256 (RFC 7636 section 7.2)",
                ));
            }
            (Some(_), Some(other)) => {
                return Err(GrantError::invalid_request(format!(
                    "code_challenge_method {other:?} is not supported: use S256"
                )));
            }
        };
        let well_formed = challenge.len() == S256_CHALLENGE_LENGTH
            && base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(challenge)
                .is_ok_and(|digest| digest.len() == 32);
        if !well_formed {
            return Err(GrantError::invalid_request(format!(
                "code_challenge {challenge:?} is not an S256 challenge: base64url without \
                 padding of a SHA-256 digest, {S256_CHALLENGE_LENGTH} characters (RFC 7636 section 4.2)"
            )));
        }
        Ok(Some(CodeChallenge(challenge.to_owned())))
    }

    /// The S256 challenge of `verifier` (RFC 7636 §4.2).
    pub fn s256(verifier: &str) -> CodeChallenge {
        let digest = Sha256::digest(verifier.as_bytes());
        CodeChallenge(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest))
    }

    /// Checks a token request's `code_verifier` (RFC 7636 §4.6).
    pub(super) fn verify(&self, verifier: Option<&str>) -> Result<(), GrantError> {
        let verifier = verifier.ok_or_else(|| {
            GrantError::invalid_grant(
                "code_verifier is missing: the authorization request sent a code_challenge \
                 (RFC 7636 section 4.5)",
            )
        })?;
        // RFC 7636 §4.1: 43 to 128 unreserved characters. A client that sends anything
        // else has a bug a real Data Custodian may refuse, so the sandbox refuses it too.
        let well_formed = (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte));
        if !well_formed {
            return Err(GrantError::invalid_request(
                "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ \
                 (RFC 7636 section 4.1)",
            ));
        }
        // A plain comparison: the challenge travelled in the front channel, so it is no
        // secret that timing could leak.
        if CodeChallenge::s256(verifier) != *self {
            return Err(GrantError::invalid_grant(
                "code_verifier does not match the code_challenge of the authorization request",
            ));
        }
        Ok(())
    }
}

/// The PKCE check of a code exchange: a challenge needs its verifier, and a verifier
/// needs a challenge (RFC 9700 §2.1.1, against PKCE downgrade).
pub(super) fn check_verifier(
    challenge: Option<&CodeChallenge>,
    verifier: Option<&str>,
) -> Result<(), GrantError> {
    match (challenge, verifier) {
        (Some(challenge), verifier) => challenge.verify(verifier),
        (None, Some(_)) => Err(GrantError::invalid_grant(
            "code_verifier is given but the authorization request sent no code_challenge \
             (RFC 9700 section 2.1.1)",
        )),
        (None, None) => Ok(()),
    }
}
