//! The records kept per consent, code, Authorization and token.

use espi_auth::Scope;
use espi_auth::TokenKind;
use espi_auth::Window;
use espi_auth::{AuthorizationState, LifecycleStatus, Unusable};
use espi_model::code_list::GrantType;
use espi_model::date_time::format_utc;
use espi_model::interval::DateTimeInterval;
use serde::Serialize;

use super::{ApprovedRequest, CodeChallenge};

/// The customer an authorization code was approved for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The retail customer id.
    pub retail_customer: String,
    /// The subscription serving the customer's usage data.
    pub subscription: String,
}

#[derive(Debug, Clone)]
pub(super) struct CodeRecord {
    pub(super) request: ApprovedRequest,
    pub(super) challenge: Option<CodeChallenge>,
    pub(super) customer: Customer,
    pub(super) expires_at: i64,
    /// The Authorization the code was exchanged for.
    pub(super) redeemed: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) struct PendingConsent {
    pub(super) request: ApprovedRequest,
    pub(super) challenge: Option<CodeChallenge>,
    pub(super) expires_at: i64,
}

/// What an access token string maps to.
#[derive(Debug, Clone)]
pub(super) enum TokenEntry {
    /// The current access token of an Authorization.
    Current(u64),
    /// A token a refresh replaced.
    Superseded { authorization: u64, at: i64 },
    /// The Data Custodian's, the registration or the upload token (index into `admin`).
    Admin(usize),
}

/// Why an Authorization was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The customer or the Data Custodian withdrew it (admin route, DELETE).
    Withdrawn,
    /// Its authorization code was presented a second time (RFC 6749 §4.1.2).
    CodeReplayed,
    /// A refresh token it had replaced was presented again (RFC 9700 §4.14.2).
    RefreshTokenReplayed,
}

impl Revocation {
    /// Why, in words, after "revoked at …"; empty for a plain withdrawal.
    pub fn because(self) -> &'static str {
        match self {
            Revocation::Withdrawn => "",
            Revocation::CodeReplayed => {
                " because its authorization code was presented a second time (RFC 6749 section 4.1.2)"
            }
            Revocation::RefreshTokenReplayed => {
                " because a refresh token it had replaced was presented again (RFC 9700 section 4.14.2)"
            }
        }
    }
}

/// The refresh token of a customer grant: its family and current generation
/// ([`crate::refresh_token`]).
#[derive(Debug, Clone)]
pub(super) struct RefreshFamily {
    pub(super) family: String,
    pub(super) generation: u64,
    pub(super) expires_at: i64,
}

/// A token that is not an Authorization: D, R or U.
#[derive(Clone)]
pub(super) struct AdminToken {
    pub(super) kind: TokenKind,
    pub(super) token: String,
    pub(super) state: AuthorizationState,
    pub(super) scope: Scope,
    pub(super) window: Window,
    pub(super) bound: String,
}

/// One Authorization: the grant, its state and its tokens.
#[derive(Clone)]
pub struct AuthorizationRecord {
    /// The id, `"1"`, `"2"`, … in grant order.
    pub id: String,
    /// [`TokenKind::Access`] (authorization code) or [`TokenKind::Client`]
    /// (client_credentials).
    pub token_kind: TokenKind,
    /// The grant that issued the current access token.
    pub grant_type: GrantType,
    /// The client it was granted to.
    pub client_id: String,
    /// The retail customer who approved it (customer grants).
    pub retail_customer: Option<String>,
    /// The subscription it reads (customer grants).
    pub subscription: Option<String>,
    /// The granted scope.
    pub scope: Scope,
    /// Status, access-token expiry and authorizedPeriod.
    pub state: AuthorizationState,
    /// The program's window applied to the grant.
    pub window: Window,
    /// `Authorization.publishedPeriod` (`None` for unlimited history).
    pub published_period: Option<DateTimeInterval>,
    /// When it was granted.
    pub granted_at: i64,
    /// When it last changed (refresh, revocation).
    pub updated_at: i64,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
    /// Why it was revoked.
    pub revocation: Option<Revocation>,
    /// The last request served with its token.
    pub last_activity: Option<i64>,
    /// `resourceURI`.
    pub resource_uri: String,
    /// `authorizationURI`.
    pub authorization_uri: String,
    /// `customerResourceURI`, when the scope grants retail customer data.
    pub customer_resource_uri: Option<String>,
    pub(super) access_token: String,
    /// The access token the last refresh replaced.
    pub(super) replaced_access_token: Option<String>,
    pub(super) refresh: Option<RefreshFamily>,
}

impl std::fmt::Debug for AuthorizationRecord {
    /// Everything but the tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRecord")
            .field("id", &self.id)
            .field("token_kind", &self.token_kind)
            .field("retail_customer", &self.retail_customer)
            .field("scope", &self.scope.to_string())
            .field("status", &self.state.status())
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

impl AuthorizationRecord {
    /// Whether the customer's consent is in force at `now`: Active and inside the
    /// authorizedPeriod. An expired access token does not matter (a refresh renews it).
    pub fn in_force(&self, now: i64) -> bool {
        matches!(
            self.state.expire(now).check_usable(now),
            Ok(()) | Err(Unusable::TokenExpired { .. })
        )
    }

    /// The status at `now`, with the end of the authorizedPeriod applied.
    pub fn status(&self, now: i64) -> LifecycleStatus {
        self.state.expire(now).status()
    }

    /// Whether any token of the grant can serve at or after `now`: in force, and
    /// either its access token or its refresh token unexpired.
    pub(super) fn may_serve_again(&self, now: i64) -> bool {
        match self.state.expire(now).check_usable(now) {
            Ok(()) => true,
            Err(Unusable::TokenExpired { .. }) => self
                .refresh
                .as_ref()
                .is_some_and(|refresh| now < refresh.expires_at),
            Err(_) => false,
        }
    }
}

/// A token response (RFC 6749 §5.1 with the ESPI members `resourceURI`,
/// `authorizationURI` and `customerResourceURI`, the URIs of espi.xsd's `Authorization`).
#[derive(Clone, Serialize)]
pub struct Issued {
    /// The access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token (customer grants only: RFC 6749 §4.4.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The granted scope, canonical.
    pub scope: String,
    /// The data the token reads.
    #[serde(rename = "resourceURI")]
    pub resource_uri: String,
    /// The Authorization resource.
    #[serde(rename = "authorizationURI")]
    pub authorization_uri: String,
    /// The customer (PII) subscription, when granted.
    #[serde(
        rename = "customerResourceURI",
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_resource_uri: Option<String>,
}

impl std::fmt::Debug for Issued {
    /// Everything but the tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("resource_uri", &self.resource_uri)
            .field("authorization_uri", &self.authorization_uri)
            .finish_non_exhaustive()
    }
}

/// A presented token with everything an access decision needs, copied out of the store
/// so that the decision runs without the lock.
#[derive(Debug, Clone)]
pub struct Presented {
    /// The Authorization, for customer and client tokens.
    pub authorization_id: Option<String>,
    /// The token's kind.
    pub kind: TokenKind,
    /// The lifecycle state.
    pub state: AuthorizationState,
    /// The granted scope.
    pub scope: Scope,
    /// The window applied to the grant.
    pub window: Window,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
    /// Why it was revoked.
    pub revocation: Option<Revocation>,
    /// The last request served.
    pub last_activity: Option<i64>,
    /// The resource URI the token is bound to.
    pub resource_uri: String,
    /// The retail customer (customer tokens).
    pub retail_customer: Option<String>,
    /// The subscription (customer tokens).
    pub subscription: Option<String>,
}

/// Why a presented access token has no record to judge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejected {
    /// The sandbox did not issue it (or issued it before a restart, or forgot it with
    /// its ended Authorization).
    #[error(
        "unknown access token: this sandbox did not issue it (tokens do not survive a restart)"
    )]
    Unknown,
    /// A refresh replaced it.
    #[error(
        "the access token of Authorization {authorization} was replaced by a refresh at {}: \
         use the new access token",
        format_utc(*at)
    )]
    Replaced {
        /// The Authorization's key.
        authorization: u64,
        /// When the refresh happened (epoch seconds).
        at: i64,
    },
}

/// Why a revocation did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevokeError {
    /// No Authorization has this id.
    #[error("there is no Authorization {0}")]
    Unknown(String),
}
