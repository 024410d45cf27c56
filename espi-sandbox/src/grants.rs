//! The authorization server's records: pending consents, authorization codes, the
//! Authorizations they produce, and every token the sandbox has issued.
//!
//! Rules come from espi-auth; this module only keeps the records and runs the
//! transitions:
//!
//! - **One live access token per Authorization.** The ESPI Authorization resource has one
//!   `expires_at` (espi.xsd `Authorization`), so an Authorization has one access token at a
//!   time. A refresh issues a new access token *and* a new refresh token (rotation); the
//!   old access token stops working at once (401 "replaced by a refresh").
//! - **A replaced refresh token presented again revokes the Authorization** and with it
//!   every token of the grant (RFC 9700 §4.14.2: the server cannot tell whether the
//!   client or a thief presents it, so neither keeps the grant). Refresh tokens are
//!   made so that every one a grant was given is recognised ([`crate::refresh_token`]).
//! - **Codes** are single-use and live [`CODE_LIFETIME`] seconds. A code presented a
//!   second time revokes the Authorization it produced (RFC 6749 §4.1.2).
//! - **Bounded records** ([`ServerLimits`](crate::ServerLimits)): consent pages wait at most
//!   [`CONSENT_LIFETIME`] seconds and codes are remembered [`CODE_MEMORY`] seconds after
//!   their use or expiry; beyond the limits on how many are kept, the oldest
//!   remembered codes go first, and a new consent page or code is refused with
//!   `temporarily_unavailable` while the live ones fill the limit. Authorizations that
//!   can never serve again (revoked, denied, ended, or with every token expired) make
//!   room for new grants, oldest first, with their tokens; when all are usable a grant
//!   is refused the same way. An Authorization keeps its current access token and the
//!   one its last refresh replaced, no more.
//! - **PKCE** (RFC 7636): a code issued for a request with a [`CodeChallenge`] is
//!   exchanged only with the matching `code_verifier`; a code issued without one refuses
//!   a `code_verifier` (RFC 9700 §2.1.1: otherwise an attacker could strip the challenge
//!   from the request and still pass). Only `S256` is accepted, see [`CodeChallenge`].
//!   A failed check leaves the code redeemable, as a wrong client or redirect URI does:
//!   it is the presenter that failed, not the code.
//! - **Windows**: every grant applies the configured [`WindowPolicy`] at the grant
//!   instant (UTC calendar months) and publishes the result as the Authorization's
//!   `authorizedPeriod` and `publishedPeriod`.
//! - **Function Blocks** are read in the current GBA numbering ([`CATALOGUE`]): a grant
//!   whose scope grants retail customer data (one of FB_51–FB_62) gets a
//!   `customerResourceURI`.
//! - The Data Custodian's own token (D), the registration token (R) and the upload
//!   token (U) are made on demand, live a century and are not Authorizations.
//!
//! Times are epoch seconds from the sandbox's clock; nothing here reads a clock.

use crate::state::Shared;
use espi_auth::Catalogue;
use espi_auth::Scope;
use espi_auth::WindowPolicy;

mod pkce;
mod records;
mod store;

pub use pkce::CodeChallenge;
use pkce::check_verifier;
use records::{AdminToken, CodeRecord, PendingConsent, RefreshFamily, TokenEntry};
pub use records::{
    AuthorizationRecord, Customer, Issued, Presented, Revocation, RevokeError, TokenRejected,
};
pub use store::AuthStore;

/// The Function Block numbering the sandbox reads scopes in.
pub const CATALOGUE: Catalogue = Catalogue::Current;

/// Seconds an authorization code stays redeemable.
pub const CODE_LIFETIME: i64 = 60;

/// Seconds a consent page stays answerable.
pub const CONSENT_LIFETIME: i64 = 600;

/// Seconds a used or expired code is remembered, so that a replay is recognised (and
/// answered by revocation) rather than reported as unknown.
pub const CODE_MEMORY: i64 = 3600;

/// Lifetime of the Data Custodian's and the registration token: a century, so that a
/// stepping test clock never ends them.
const ADMIN_TOKEN_LIFETIME: u64 = 100 * 365 * 86_400;

/// The id of the one registered application's ApplicationInformation.
pub const APPLICATION_ID: &str = "1";

/// The grant parameters that do not live in the store: URIs, the policy, lifetimes.
#[derive(Debug, Clone)]
pub struct Terms {
    /// `…/DataCustodian/espi/1_1/resource`.
    pub resource_base: String,
    /// The program's access window.
    pub policy: WindowPolicy,
    /// Access token lifetime, seconds.
    pub access_lifetime: u64,
    /// Refresh token lifetime, seconds.
    pub refresh_lifetime: u64,
}

impl Terms {
    /// The terms of a running sandbox.
    pub fn of(shared: &Shared) -> Terms {
        Terms {
            resource_base: shared.resource_base(),
            policy: shared.config.policy,
            access_lifetime: shared.config.access_token_lifetime,
            refresh_lifetime: shared.config.refresh_token_lifetime,
        }
    }
}

/// An OAuth error from the token endpoint's point of view (RFC 6749 §5.2): the code
/// and a description in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}: {description}")]
pub struct GrantError {
    /// `invalid_grant`, `invalid_scope`, `invalid_request`, `server_error`…
    pub error: &'static str,
    /// What went wrong.
    pub description: String,
}

impl GrantError {
    /// `invalid_grant`.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        GrantError {
            error: "invalid_grant",
            description: description.into(),
        }
    }

    /// `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        GrantError {
            error: "invalid_request",
            description: description.into(),
        }
    }

    /// `invalid_scope`.
    pub fn invalid_scope(description: impl Into<String>) -> Self {
        GrantError {
            error: "invalid_scope",
            description: description.into(),
        }
    }

    /// `server_error`.
    pub fn server_error(description: impl Into<String>) -> Self {
        GrantError {
            error: "server_error",
            description: description.into(),
        }
    }

    /// `temporarily_unavailable` (RFC 6749 §4.1.2.1): a record limit is reached.
    pub fn temporarily_unavailable(description: impl Into<String>) -> Self {
        GrantError {
            error: "temporarily_unavailable",
            description: description.into(),
        }
    }
}

/// A validated authorization request (the client, its registered redirect URI and the
/// negotiated scope), waiting for consent or turned into a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedRequest {
    /// The client.
    pub client_id: String,
    /// The redirect URI (registered).
    pub redirect_uri: String,
    /// Whether the request named `redirect_uri` (then the token request must repeat
    /// it, RFC 6749 §4.1.3).
    pub redirect_uri_given: bool,
    /// The scope negotiation granted.
    pub scope: Scope,
    /// The client's `state`, echoed on the redirect.
    pub state: Option<String>,
}

/// Seconds as `i64`, saturating.
fn seconds(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Ids `"2"` before `"10"`; non-numeric ids after, alphabetically.
fn numeric_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn random_token() -> Result<String, GrantError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| {
        GrantError::server_error(format!(
            "the operating system gave no randomness for a token: {error}"
        ))
    })?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// An epoch instant's UTC date, `YYYY-MM-DD`.
pub fn utc_date(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
        || epoch.to_string(),
        |time| time.format("%Y-%m-%d").to_string(),
    )
}

#[cfg(test)]
mod tests;
