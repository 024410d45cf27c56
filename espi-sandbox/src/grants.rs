//! The authorization server's records: pending consents, authorization codes, the
//! Authorizations they produce, and every token the sandbox has issued.
//!
//! Rules come from espi-auth; this module only keeps the records and runs the
//! transitions:
//!
//! - **One live access token per Authorization.** The ESPI Authorization resource has one
//!   `expires_at` (espi-reference §4.2), so an Authorization has one access token at a
//!   time. A refresh issues a new access token *and* a new refresh token (rotation); the
//!   old access token stops working at once (401 "replaced by a refresh").
//! - **A replaced refresh token presented again revokes the Authorization** and with it
//!   every token of the grant (RFC 9700 §4.14.2: the server cannot tell whether the
//!   client or a thief presents it, so neither keeps the grant). Refresh tokens are
//!   made so that every one a grant was given is recognised ([`crate::refresh_token`]).
//! - **Codes** are single-use and live [`CODE_LIFETIME`] seconds. A code presented a
//!   second time revokes the Authorization it produced (RFC 6749 §4.1.2).
//! - **Bounded records** ([`ServerLimits`]): consent pages wait at most
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

use crate::config::ServerLimits;
use crate::error::ApiError;
use crate::refresh_token::RefreshKey;
use crate::state::Shared;
use base64::Engine as _;
use espi_auth::Catalogue;
use espi_auth::MonthClock;
use espi_auth::Scope;
use espi_auth::Serves;
use espi_auth::TokenKind;
use espi_auth::negotiate_scopes;
use espi_auth::{AuthorizationState, AuthorizedPeriod, LifecycleError, LifecycleStatus, Unusable};
use espi_auth::{Window, WindowPolicy};
use espi_model::code_list::GrantType;
use espi_model::date_time::format_utc;
use espi_model::interval::DateTimeInterval;
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashMap};

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
pub struct CodeChallenge(String);

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
    fn verify(&self, verifier: Option<&str>) -> Result<(), GrantError> {
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
fn check_verifier(
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

/// The customer an authorization code was approved for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The retail customer id.
    pub retail_customer: String,
    /// The subscription serving the customer's usage data.
    pub subscription: String,
}

#[derive(Debug, Clone)]
struct CodeRecord {
    request: ApprovedRequest,
    challenge: Option<CodeChallenge>,
    customer: Customer,
    expires_at: i64,
    /// The Authorization the code was exchanged for.
    redeemed: Option<String>,
}

#[derive(Debug, Clone)]
struct PendingConsent {
    request: ApprovedRequest,
    challenge: Option<CodeChallenge>,
    expires_at: i64,
}

/// What an access token string maps to.
#[derive(Debug, Clone)]
enum TokenEntry {
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
struct RefreshFamily {
    family: String,
    generation: u64,
    expires_at: i64,
}

/// A token that is not an Authorization: D, R or U.
#[derive(Clone)]
struct AdminToken {
    kind: TokenKind,
    token: String,
    state: AuthorizationState,
    scope: Scope,
    window: Window,
    bound: String,
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
    access_token: String,
    /// The access token the last refresh replaced.
    replaced_access_token: Option<String>,
    refresh: Option<RefreshFamily>,
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
    fn may_serve_again(&self, now: i64) -> bool {
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

/// A token response (RFC 6749 §5.1 with the ESPI members of espi-reference §2.3).
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

/// Why a revocation did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevokeError {
    /// No Authorization has this id.
    #[error("there is no Authorization {0}")]
    Unknown(String),
}

/// Applications, authorizations, authorization codes and tokens.
#[derive(Default)]
pub struct AuthStore {
    limits: ServerLimits,
    next_id: u64,
    authorizations: BTreeMap<u64, AuthorizationRecord>,
    consents: HashMap<String, PendingConsent>,
    codes: HashMap<String, CodeRecord>,
    access_tokens: HashMap<String, TokenEntry>,
    /// Refresh token families → Authorization.
    refresh_families: HashMap<String, u64>,
    /// Made on the first customer grant.
    refresh_key: Option<RefreshKey>,
    admin: Vec<AdminToken>,
}

impl std::fmt::Debug for AuthStore {
    /// Counts only: the store holds secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthStore")
            .field("authorizations", &self.authorizations.len())
            .field("codes", &self.codes.len())
            .field("access_tokens", &self.access_tokens.len())
            .finish_non_exhaustive()
    }
}

impl AuthStore {
    /// An empty store keeping at most the records `limits` allows.
    pub fn new(limits: ServerLimits) -> AuthStore {
        AuthStore {
            limits,
            ..AuthStore::default()
        }
    }

    /// The subscriptions of `retail_customer_id` with an authorization in force at
    /// `now` (notifications of new data go to these). "In force" means Active and
    /// inside the authorizedPeriod; an expired access token does not matter, since the
    /// third party can refresh it.
    pub fn active_subscriptions(&self, retail_customer_id: &str, now: i64) -> Vec<String> {
        let mut subscriptions: Vec<String> = self
            .authorizations
            .values()
            .filter(|record| record.retail_customer.as_deref() == Some(retail_customer_id))
            .filter(|record| record.in_force(now))
            .filter_map(|record| record.subscription.clone())
            .collect();
        subscriptions.sort();
        subscriptions.dedup();
        subscriptions
    }

    /// The retail customers with a customer authorization in force at `now`, sorted
    /// and without repeats: what a bulk (client) token may read.
    pub fn active_customers(&self, now: i64) -> Vec<String> {
        let mut customers: Vec<String> = self
            .authorizations
            .values()
            .filter(|record| record.in_force(now))
            .filter_map(|record| record.retail_customer.clone())
            .collect();
        customers.sort_by(|a, b| numeric_order(a, b));
        customers.dedup();
        customers
    }

    /// Every Authorization, in id order.
    pub fn authorizations(&self) -> impl Iterator<Item = &AuthorizationRecord> {
        self.authorizations.values()
    }

    /// One Authorization.
    pub fn authorization(&self, id: &str) -> Option<&AuthorizationRecord> {
        self.authorizations.get(&id.parse::<u64>().ok()?)
    }

    /// Keeps a validated request and its PKCE challenge until the customer answers the
    /// consent page; returns the nonce the page's form carries.
    pub fn start_consent(
        &mut self,
        now: i64,
        request: ApprovedRequest,
        challenge: Option<CodeChallenge>,
    ) -> Result<String, GrantError> {
        self.consents.retain(|_, pending| pending.expires_at > now);
        if self.consents.len() >= self.limits.pending_consents {
            return Err(GrantError::temporarily_unavailable(format!(
                "{} consent pages are waiting for an answer, the most this sandbox keeps; \
                 each expires {CONSENT_LIFETIME} s after it was shown",
                self.consents.len()
            )));
        }
        let nonce = random_token()?;
        self.consents.insert(
            nonce.clone(),
            PendingConsent {
                request,
                challenge,
                expires_at: now.saturating_add(CONSENT_LIFETIME),
            },
        );
        Ok(nonce)
    }

    /// The request a consent form answers and its PKCE challenge, once: `None` when
    /// the nonce is unknown, used or expired.
    pub fn take_consent(
        &mut self,
        now: i64,
        nonce: &str,
    ) -> Option<(ApprovedRequest, Option<CodeChallenge>)> {
        let pending = self.consents.remove(nonce)?;
        (pending.expires_at > now).then_some((pending.request, pending.challenge))
    }

    /// [`issue_code_with_challenge`](Self::issue_code_with_challenge) without PKCE, for
    /// the unit tests that make codes without HTTP.
    #[cfg(test)]
    pub fn issue_code(
        &mut self,
        now: i64,
        request: ApprovedRequest,
        customer: Customer,
    ) -> Result<String, GrantError> {
        self.issue_code_with_challenge(now, request, None, customer)
    }

    /// Issues a single-use authorization code for `request`, approved by `customer`;
    /// with a `challenge`, the exchange will require its `code_verifier`.
    pub fn issue_code_with_challenge(
        &mut self,
        now: i64,
        request: ApprovedRequest,
        challenge: Option<CodeChallenge>,
        customer: Customer,
    ) -> Result<String, GrantError> {
        self.codes
            .retain(|_, code| code.expires_at.saturating_add(CODE_MEMORY) > now);
        self.make_room_for_a_code(now)?;
        let code = random_token()?;
        self.codes.insert(
            code.clone(),
            CodeRecord {
                request,
                challenge,
                customer,
                expires_at: now.saturating_add(CODE_LIFETIME),
                redeemed: None,
            },
        );
        Ok(code)
    }

    /// [`exchange_code_with_verifier`](Self::exchange_code_with_verifier) without a
    /// `code_verifier`, for the unit tests that make codes without HTTP.
    #[cfg(test)]
    pub fn exchange_code(
        &mut self,
        now: i64,
        terms: &Terms,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
    ) -> Result<Issued, GrantError> {
        self.exchange_code_with_verifier(now, terms, client_id, code, redirect_uri, None)
    }

    /// The authorization_code grant (RFC 6749 §4.1.3): checks the code, the client,
    /// the redirect URI and the PKCE `code_verifier` (RFC 7636 §4.6), and grants an
    /// Authorization.
    pub fn exchange_code_with_verifier(
        &mut self,
        now: i64,
        terms: &Terms,
        client_id: &str,
        code: &str,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
    ) -> Result<Issued, GrantError> {
        let record = self
            .codes
            .get(code)
            .cloned()
            .ok_or_else(|| GrantError::invalid_grant("unknown authorization code"))?;
        if let Some(authorization) = record.redeemed {
            let revoked = self
                .revoke_because(&authorization, now, Revocation::CodeReplayed)
                .is_ok();
            return Err(GrantError::invalid_grant(if revoked {
                format!(
                    "the authorization code was already used; Authorization {authorization} \
                     issued for it is now revoked (RFC 6749 section 4.1.2)"
                )
            } else {
                "the authorization code was already used".to_owned()
            }));
        }
        if now >= record.expires_at {
            return Err(GrantError::invalid_grant(format!(
                "the authorization code expired at {} (codes live {CODE_LIFETIME} s)",
                format_utc(record.expires_at)
            )));
        }
        if record.request.client_id != client_id {
            return Err(GrantError::invalid_grant(
                "the authorization code was issued to another client",
            ));
        }
        match redirect_uri {
            Some(given) if given != record.request.redirect_uri => {
                return Err(GrantError::invalid_grant(format!(
                    "redirect_uri {given:?} is not the one of the authorization request"
                )));
            }
            None if record.request.redirect_uri_given => {
                return Err(GrantError::invalid_request(
                    "redirect_uri is required: the authorization request included one \
                     (RFC 6749 section 4.1.3)",
                ));
            }
            _ => {}
        }
        check_verifier(record.challenge.as_ref(), code_verifier)?;
        let granted = self.grant(
            now,
            terms,
            Grant {
                kind: TokenKind::Access,
                client_id,
                scope: record.request.scope.clone(),
                customer: Some(record.customer.clone()),
            },
        );
        match &granted {
            Ok((id, _)) => {
                if let Some(code) = self.codes.get_mut(code) {
                    code.redeemed = Some(id.clone());
                }
            }
            Err(_) => {
                self.codes.remove(code);
            }
        }
        granted.map(|(_, issued)| issued)
    }

    /// The client_credentials grant (RFC 6749 §4.4): a client token for `scope`,
    /// bound to `…/Batch/Bulk/{BR}` when the scope names a bulk and to `…/resource/*`
    /// otherwise. No refresh token.
    pub fn client_credentials(
        &mut self,
        now: i64,
        terms: &Terms,
        client_id: &str,
        scope: Scope,
    ) -> Result<Issued, GrantError> {
        self.grant(
            now,
            terms,
            Grant {
                kind: TokenKind::Client,
                client_id,
                scope,
                customer: None,
            },
        )
        .map(|(_, issued)| issued)
    }

    /// The refresh_token grant (RFC 6749 §6): a new access token and a new refresh
    /// token; both old ones stop working, and the old refresh token presented again
    /// revokes the Authorization (RFC 9700 §4.14.2). `scope`, when given, must lie
    /// within the granted scope; the grant keeps the granted scope.
    pub fn refresh(
        &mut self,
        now: i64,
        terms: &Terms,
        client_id: &str,
        refresh_token: &str,
        scope: Option<&Scope>,
    ) -> Result<Issued, GrantError> {
        let unknown = || GrantError::invalid_grant("unknown refresh token");
        let reading = self
            .refresh_key
            .as_ref()
            .and_then(|key| key.read(refresh_token))
            .ok_or_else(unknown)?;
        let key = *self
            .refresh_families
            .get(&reading.family)
            .ok_or_else(unknown)?;
        let current = self
            .authorizations
            .get(&key)
            .and_then(|record| record.refresh.as_ref())
            .map(|refresh| refresh.generation)
            .ok_or_else(unknown)?;
        if reading.generation < current {
            let id = key.to_string();
            let _ = self.revoke_because(&id, now, Revocation::RefreshTokenReplayed);
            return Err(GrantError::invalid_grant(format!(
                "the refresh token of Authorization {id} was replaced by a refresh and is \
                 presented again: Authorization {id} and its tokens are now revoked \
                 (RFC 9700 section 4.14.2); start a new authorization"
            )));
        }
        if reading.generation > current {
            return Err(unknown());
        }
        let record = self
            .authorizations
            .get_mut(&key)
            .ok_or_else(|| GrantError::server_error("a refresh token without its Authorization"))?;
        if record.client_id != client_id {
            return Err(GrantError::invalid_grant(
                "the refresh token was issued to another client",
            ));
        }
        record.state = record.state.expire(now);
        let id = record.id.clone();
        if let Some(expires_at) = record.refresh.as_ref().map(|refresh| refresh.expires_at)
            && now >= expires_at
        {
            return Err(GrantError::invalid_grant(format!(
                "the refresh token of Authorization {id} expired at {}",
                format_utc(expires_at)
            )));
        }
        if let Some(requested) = scope
            && negotiate_scopes(std::slice::from_ref(&record.scope), requested).is_err()
        {
            return Err(GrantError::invalid_scope(format!(
                "the requested scope {requested} is not within the granted scope {}",
                record.scope
            )));
        }
        let state =
            record
                .state
                .refresh(now, terms.access_lifetime)
                .map_err(|error| match error {
                    LifecycleError::NotActive { status, .. } => GrantError::invalid_grant(format!(
                        "Authorization {id} is {status}{}: it can no longer be refreshed",
                        record
                            .revoked_at
                            .map(|at| format!(" (revoked at {})", format_utc(at)))
                            .unwrap_or_default()
                    )),
                    LifecycleError::OutsidePeriod { .. } => GrantError::invalid_grant(format!(
                        "the authorized period of Authorization {id} is not in force at {}",
                        format_utc(now)
                    )),
                    other => {
                        GrantError::server_error(format!("refreshing Authorization {id}: {other}"))
                    }
                })?;
        let access_token = random_token()?;
        let old_access = std::mem::replace(&mut record.access_token, access_token.clone());
        let older = record.replaced_access_token.replace(old_access.clone());
        record.state = state;
        record.updated_at = now;
        record.grant_type = GrantType::RefreshToken;
        let refresh = record
            .refresh
            .as_mut()
            .ok_or_else(|| GrantError::server_error("a refresh of a grant without one"))?;
        refresh.generation = current + 1;
        refresh.expires_at = now.saturating_add(seconds(terms.refresh_lifetime));
        let refresh_token = refresh_token_text(self.refresh_key.as_ref(), refresh)?;
        let issued = issued(record, terms.access_lifetime, Some(refresh_token));
        if let Some(older) = older {
            self.access_tokens.remove(&older);
        }
        self.access_tokens.insert(
            old_access,
            TokenEntry::Superseded {
                authorization: key,
                at: now,
            },
        );
        self.access_tokens
            .insert(access_token, TokenEntry::Current(key));
        Ok(issued)
    }

    /// Revokes Authorization `id` at `now` (status Revoked, `revoked_at` recorded), as
    /// the customer or the Data Custodian does. Revoking a revoked or ended
    /// Authorization changes nothing and succeeds.
    pub fn revoke(&mut self, id: &str, now: i64) -> Result<(), RevokeError> {
        self.revoke_because(id, now, Revocation::Withdrawn)
    }

    fn revoke_because(
        &mut self,
        id: &str,
        now: i64,
        revocation: Revocation,
    ) -> Result<(), RevokeError> {
        let record = id
            .parse::<u64>()
            .ok()
            .and_then(|key| self.authorizations.get_mut(&key))
            .ok_or_else(|| RevokeError::Unknown(id.to_owned()))?;
        record.state = record.state.expire(now);
        if let Ok(revoked) = record.state.revoke(now) {
            record.state = revoked;
            record.revoked_at = Some(now);
            record.revocation = Some(revocation);
            record.updated_at = now;
        }
        Ok(())
    }

    /// The record of a presented access token, or a 401 saying why there is none.
    pub fn present(&mut self, token: &str, now: i64) -> Result<Presented, ApiError> {
        match self.access_tokens.get(token) {
            None => Err(ApiError::invalid_token(
                "unknown access token: this sandbox did not issue it (tokens do not survive a restart)",
            )),
            Some(TokenEntry::Superseded { authorization, at }) => {
                Err(ApiError::invalid_token(format!(
                    "the access token of Authorization {authorization} was replaced by a refresh at {}: \
                     use the new access token",
                    format_utc(*at)
                )))
            }
            Some(TokenEntry::Admin(index)) => {
                let admin = self
                    .admin
                    .get(*index)
                    .ok_or_else(|| ApiError::invalid_token("unknown access token"))?;
                Ok(Presented {
                    authorization_id: None,
                    kind: admin.kind,
                    state: admin.state.clone(),
                    scope: admin.scope.clone(),
                    window: admin.window,
                    revoked_at: None,
                    revocation: None,
                    last_activity: None,
                    resource_uri: admin.bound.clone(),
                    retail_customer: None,
                    subscription: None,
                })
            }
            Some(TokenEntry::Current(key)) => {
                let record = self
                    .authorizations
                    .get_mut(key)
                    .ok_or_else(|| ApiError::invalid_token("unknown access token"))?;
                record.state = record.state.expire(now);
                Ok(Presented {
                    authorization_id: Some(record.id.clone()),
                    kind: record.token_kind,
                    state: record.state.clone(),
                    scope: record.scope.clone(),
                    window: record.window,
                    revoked_at: record.revoked_at,
                    revocation: record.revocation,
                    last_activity: record.last_activity,
                    resource_uri: record.resource_uri.clone(),
                    retail_customer: record.retail_customer.clone(),
                    subscription: record.subscription.clone(),
                })
            }
        }
    }

    /// Records a served request for the Authorization of `token` (the window's
    /// `last_activity`, for inactivity rules).
    pub fn touch(&mut self, token: &str, now: i64) {
        if let Some(TokenEntry::Current(key)) = self.access_tokens.get(token)
            && let Some(record) = self.authorizations.get_mut(key)
        {
            record.last_activity = Some(record.last_activity.map_or(now, |last| last.max(now)));
        }
    }

    /// The Data Custodian's own token (D, bound to `…/resource/`), the registration
    /// token (R, bound to `…/ApplicationInformation/1`) or the upload token (U, bound
    /// to `…/Batch/RetailCustomer/*/UsagePoint`), made on first use. Other kinds are
    /// refused with a [`GrantError`].
    pub fn admin_token(
        &mut self,
        now: i64,
        terms: &Terms,
        kind: TokenKind,
    ) -> Result<String, GrantError> {
        if let Some(existing) = self.admin.iter().find(|admin| admin.kind == kind) {
            return Ok(existing.token.clone());
        }
        let bound = match kind {
            TokenKind::DataCustodian => format!("{}/", terms.resource_base),
            TokenKind::Registration => format!(
                "{}/ApplicationInformation/{APPLICATION_ID}",
                terms.resource_base
            ),
            TokenKind::Upload => {
                format!("{}/Batch/RetailCustomer/*/UsagePoint", terms.resource_base)
            }
            other => {
                return Err(GrantError::server_error(format!(
                    "the sandbox makes no standing {other} token"
                )));
            }
        };
        // Every Function Block of the catalogue: the Data Custodian sees everything.
        let scope = Scope {
            function_blocks: CATALOGUE
                .entries()
                .iter()
                .map(|block| block.number)
                .collect(),
            ..Scope::default()
        };
        // Granted at the epoch with an open-ended window, so that no test clock, however
        // set, falls before it; the century is counted from the first use.
        let lifetime = u64::try_from(now.max(0))
            .unwrap_or(0)
            .saturating_add(ADMIN_TOKEN_LIFETIME);
        let state = AuthorizationState::grant(0, &scope, lifetime, None)
            .map_err(|error| GrantError::server_error(format!("the {kind}: {error}")))?;
        let window = WindowPolicy::open_ended()
            .window(0, &MonthClock::Utc)
            .map_err(|error| GrantError::server_error(format!("the {kind}: {error}")))?;
        let token = random_token()?;
        self.access_tokens
            .insert(token.clone(), TokenEntry::Admin(self.admin.len()));
        self.admin.push(AdminToken {
            kind,
            token: token.clone(),
            state,
            scope,
            window,
            bound,
        });
        Ok(token)
    }

    /// Makes room for a code under the limit: the remembered (used or expired) codes
    /// go first, oldest first; refused while live codes fill it.
    fn make_room_for_a_code(&mut self, now: i64) -> Result<(), GrantError> {
        let limit = self.limits.codes;
        if self.codes.len() < limit {
            return Ok(());
        }
        let mut remembered: Vec<(i64, String)> = self
            .codes
            .iter()
            .filter(|(_, code)| code.redeemed.is_some() || code.expires_at <= now)
            .map(|(text, code)| (code.expires_at, text.clone()))
            .collect();
        remembered.sort();
        let excess = self.codes.len() + 1 - limit;
        for (_, text) in remembered.into_iter().take(excess) {
            self.codes.remove(&text);
        }
        if self.codes.len() < limit {
            return Ok(());
        }
        Err(GrantError::temporarily_unavailable(format!(
            "{} authorization codes are waiting to be exchanged, the most this sandbox keeps; \
             each expires {CODE_LIFETIME} s after it was issued",
            self.codes.len()
        )))
    }

    /// Makes room for a grant under the limit: the Authorizations that can never serve
    /// again go first, oldest first, with their tokens; refused while every
    /// Authorization can.
    fn make_room_for_a_grant(&mut self, now: i64) -> Result<(), GrantError> {
        let limit = self.limits.authorizations;
        if self.authorizations.len() < limit {
            return Ok(());
        }
        let excess = self.authorizations.len() + 1 - limit;
        let finished: Vec<u64> = self
            .authorizations
            .iter()
            .filter(|(_, record)| !record.may_serve_again(now))
            .map(|(key, _)| *key)
            .take(excess)
            .collect();
        for key in finished {
            if let Some(record) = self.authorizations.remove(&key) {
                self.access_tokens.remove(&record.access_token);
                if let Some(replaced) = &record.replaced_access_token {
                    self.access_tokens.remove(replaced);
                }
                if let Some(refresh) = &record.refresh {
                    self.refresh_families.remove(&refresh.family);
                }
            }
        }
        if self.authorizations.len() < limit {
            return Ok(());
        }
        Err(GrantError::temporarily_unavailable(format!(
            "{} Authorizations can still be used, the most this sandbox keeps; revoke some \
             or wait until their tokens expire",
            self.authorizations.len()
        )))
    }

    /// Grants an Authorization: applies the window, makes the state and the tokens.
    fn grant(
        &mut self,
        now: i64,
        terms: &Terms,
        grant: Grant<'_>,
    ) -> Result<(String, Issued), GrantError> {
        let cannot = |what: &str, error: &dyn std::fmt::Display| {
            GrantError::server_error(format!(
                "the program's access window cannot be applied at {}: {what}: {error}",
                format_utc(now)
            ))
        };
        let window = terms
            .policy
            .window(now, &MonthClock::Utc)
            .map_err(|error| cannot("window", &error))?;
        let authorized = window
            .authorized_period()
            .map_err(|error| cannot("authorizedPeriod", &error))?;
        let published_period = window
            .published_period()
            .map_err(|error| cannot("publishedPeriod", &error))?;
        let period = AuthorizedPeriod::from_interval(&authorized)
            .map_err(|error| cannot("authorizedPeriod", &error))?;
        let state =
            AuthorizationState::grant(now, &grant.scope, terms.access_lifetime, Some(period))
                .map_err(|error| GrantError::server_error(format!("granting: {error}")))?;
        self.make_room_for_a_grant(now)?;
        let key = self.next_id.saturating_add(1);
        self.next_id = key;
        let id = key.to_string();
        let base = &terms.resource_base;
        let (resource_uri, customer_resource_uri, grant_type) = match &grant.customer {
            Some(customer) => (
                format!("{base}/Batch/Subscription/{}", customer.subscription),
                grant
                    .scope
                    .grants(Serves::CustomerData, CATALOGUE)
                    .then(|| format!("{base}/Batch/RetailCustomer/{}", customer.retail_customer)),
                GrantType::AuthorizationCode,
            ),
            None => (
                match &grant.scope.bulk_id {
                    Some(bulk) => format!("{base}/Batch/Bulk/{bulk}"),
                    None => format!("{base}/*"),
                },
                None,
                GrantType::ClientCredentials,
            ),
        };
        let access_token = random_token()?;
        let refresh = match grant.kind {
            TokenKind::Access => {
                let no_randomness = |error: getrandom::Error| {
                    GrantError::server_error(format!(
                        "the operating system gave no randomness for a refresh token: {error}"
                    ))
                };
                if self.refresh_key.is_none() {
                    self.refresh_key = Some(RefreshKey::random().map_err(no_randomness)?);
                }
                Some(RefreshFamily {
                    family: RefreshKey::new_family().map_err(no_randomness)?,
                    generation: 0,
                    expires_at: now.saturating_add(seconds(terms.refresh_lifetime)),
                })
            }
            _ => None,
        };
        let refresh_token = refresh
            .as_ref()
            .map(|refresh| refresh_token_text(self.refresh_key.as_ref(), refresh))
            .transpose()?;
        let record = AuthorizationRecord {
            authorization_uri: format!("{base}/Authorization/{id}"),
            id: id.clone(),
            token_kind: grant.kind,
            grant_type,
            client_id: grant.client_id.to_owned(),
            retail_customer: grant.customer.as_ref().map(|c| c.retail_customer.clone()),
            subscription: grant.customer.as_ref().map(|c| c.subscription.clone()),
            scope: grant.scope,
            state,
            window,
            published_period,
            granted_at: now,
            updated_at: now,
            revoked_at: None,
            revocation: None,
            last_activity: None,
            resource_uri,
            customer_resource_uri,
            access_token: access_token.clone(),
            replaced_access_token: None,
            refresh,
        };
        let response = issued(&record, terms.access_lifetime, refresh_token);
        self.access_tokens
            .insert(access_token, TokenEntry::Current(key));
        if let Some(refresh) = &record.refresh {
            self.refresh_families.insert(refresh.family.clone(), key);
        }
        self.authorizations.insert(key, record);
        Ok((id, response))
    }
}

/// What [`AuthStore::grant`] grants.
struct Grant<'a> {
    kind: TokenKind,
    client_id: &'a str,
    scope: Scope,
    customer: Option<Customer>,
}

/// The text of a refresh token ([`crate::refresh_token`]).
fn refresh_token_text(
    key: Option<&RefreshKey>,
    refresh: &RefreshFamily,
) -> Result<String, GrantError> {
    let key = key.ok_or_else(|| GrantError::server_error("no refresh token key"))?;
    Ok(key.token(&refresh.family, refresh.generation))
}

/// The token response of a record.
fn issued(record: &AuthorizationRecord, expires_in: u64, refresh_token: Option<String>) -> Issued {
    Issued {
        access_token: record.access_token.clone(),
        token_type: "Bearer",
        expires_in,
        refresh_token,
        scope: record.scope.to_string(),
        resource_uri: record.resource_uri.clone(),
        authorization_uri: record.authorization_uri.clone(),
        customer_resource_uri: record.customer_resource_uri.clone(),
    }
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
mod tests {
    use super::*;

    #[test]
    fn utc_date_matches_known_instants() {
        assert_eq!(utc_date(1_709_251_199), "2024-02-29");
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let a = random_token().expect("randomness");
        let b = random_token().expect("randomness");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    /// RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_matches_the_rfc_7636_example() {
        assert_eq!(CodeChallenge::s256(VERIFIER).0, CHALLENGE);
        let challenge = CodeChallenge::from_request(Some(CHALLENGE), Some("S256"))
            .expect("a valid challenge")
            .expect("a challenge");
        assert_eq!(challenge.verify(Some(VERIFIER)), Ok(()));
    }

    #[test]
    fn only_well_formed_s256_challenges_are_accepted() {
        assert_eq!(CodeChallenge::from_request(None, None), Ok(None));
        for (challenge, method) in [
            (None, Some("S256")),
            (Some(CHALLENGE), None),
            (Some(CHALLENGE), Some("plain")),
            (Some(CHALLENGE), Some("s256")),
            (Some("short"), Some("S256")),
            (Some(&CHALLENGE[..42]), Some("S256")),
            (
                Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"),
                Some("S256"),
            ),
        ] {
            let error = CodeChallenge::from_request(challenge, method).expect_err("refused");
            assert_eq!(error.error, "invalid_request", "{challenge:?} {method:?}");
        }
    }

    #[test]
    fn verifiers_are_checked_and_a_verifier_needs_a_challenge() {
        let challenge = CodeChallenge::s256(VERIFIER);
        let error = |result: Result<(), GrantError>| result.expect_err("refused").error;
        assert_eq!(error(challenge.verify(None)), "invalid_grant");
        let other = VERIFIER.replace('d', "e");
        assert_eq!(error(challenge.verify(Some(&other))), "invalid_grant");
        assert_eq!(
            error(challenge.verify(Some("too-short"))),
            "invalid_request"
        );
        let spaced = format!("{} ", &VERIFIER[..43]);
        assert_eq!(error(challenge.verify(Some(&spaced))), "invalid_request");
        assert_eq!(error(check_verifier(None, Some(VERIFIER))), "invalid_grant");
        assert_eq!(check_verifier(None, None), Ok(()));
        assert_eq!(check_verifier(Some(&challenge), Some(VERIFIER)), Ok(()));
    }

    #[test]
    fn an_authorization_keeps_its_access_token_and_the_one_replaced_last() {
        const NOW: i64 = 1_393_632_000;
        let mut store = AuthStore::default();
        let terms = Terms {
            resource_base: "http://h/r".to_owned(),
            policy: WindowPolicy::ameren_share_my_usage(),
            access_lifetime: 3600,
            refresh_lifetime: 86_400,
        };
        let request = ApprovedRequest {
            client_id: "c".to_owned(),
            redirect_uri: "http://127.0.0.1/callback".to_owned(),
            redirect_uri_given: false,
            scope: Scope::parse("FB=1_3_4_5_13_14_39;IntervalDuration=3600")
                .expect("a scope")
                .scope,
            state: None,
        };
        let customer = Customer {
            retail_customer: "1".to_owned(),
            subscription: "1".to_owned(),
        };
        let code = store.issue_code(NOW, request, customer).expect("a code");
        let mut issued = store
            .exchange_code(NOW, &terms, "c", &code, None)
            .expect("a grant");
        let mut access = vec![issued.access_token.clone()];
        for step in 1..=3 {
            let refresh = issued.refresh_token.clone().expect("a refresh token");
            issued = store
                .refresh(NOW + step, &terms, "c", &refresh, None)
                .expect("a refresh");
            access.push(issued.access_token.clone());
        }
        let mut reason = |token: &str| store.present(token, NOW + 4).err().map(|e| e.reason);
        assert!(reason(&access[0]).is_some_and(|r| r.contains("unknown access token")));
        assert!(reason(&access[2]).is_some_and(|r| r.contains("replaced by a refresh")));
        assert_eq!(reason(&access[3]), None);
        assert_eq!(store.access_tokens.len(), 2);
        assert_eq!(store.refresh_families.len(), 1);
    }

    #[test]
    fn ids_sort_numerically() {
        let mut ids = vec!["10", "2", "x", "1"];
        ids.sort_by(|a, b| numeric_order(a, b));
        assert_eq!(ids, ["1", "2", "10", "x"]);
    }
}
