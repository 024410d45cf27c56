//! The store of every record and the transitions between them ([`AuthStore`]).

use crate::config::ServerLimits;
use crate::refresh_token::RefreshKey;
use espi_auth::MonthClock;
use espi_auth::Scope;
use espi_auth::Serves;
use espi_auth::TokenKind;
use espi_auth::WindowPolicy;
use espi_auth::negotiate_scopes;
use espi_auth::{AuthorizationState, AuthorizedPeriod, LifecycleError};
use espi_model::code_list::GrantType;
use espi_model::date_time::format_utc;
use std::collections::{BTreeMap, HashMap};

use super::{
    ADMIN_TOKEN_LIFETIME, APPLICATION_ID, AdminToken, ApprovedRequest, AuthorizationRecord,
    CATALOGUE, CODE_LIFETIME, CODE_MEMORY, CONSENT_LIFETIME, CodeChallenge, CodeRecord, Customer,
    GrantError, Issued, PendingConsent, Presented, RefreshFamily, Revocation, RevokeError, Terms,
    TokenEntry, TokenRejected, check_verifier, numeric_order, random_token, seconds,
};

/// Applications, authorizations, authorization codes and tokens.
#[derive(Default)]
pub struct AuthStore {
    limits: ServerLimits,
    next_id: u64,
    authorizations: BTreeMap<u64, AuthorizationRecord>,
    consents: HashMap<String, PendingConsent>,
    codes: HashMap<String, CodeRecord>,
    pub(super) access_tokens: HashMap<String, TokenEntry>,
    /// Refresh token families → Authorization.
    pub(super) refresh_families: HashMap<String, u64>,
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

    /// Issues a single-use authorization code for `request`, approved by `customer`;
    /// with a `challenge`, the exchange will require its `code_verifier`.
    pub fn issue_code(
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

    /// The authorization_code grant (RFC 6749 §4.1.3): checks the code, the client,
    /// the redirect URI and the PKCE `code_verifier` (RFC 7636 §4.6), and grants an
    /// Authorization.
    pub fn exchange_code(
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

    /// The record of a presented access token, or why there is none.
    pub fn present(&mut self, token: &str, now: i64) -> Result<Presented, TokenRejected> {
        match self.access_tokens.get(token) {
            None => Err(TokenRejected::Unknown),
            Some(&TokenEntry::Superseded { authorization, at }) => {
                Err(TokenRejected::Replaced { authorization, at })
            }
            Some(TokenEntry::Admin(index)) => {
                let admin = self.admin.get(*index).ok_or(TokenRejected::Unknown)?;
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
                    .ok_or(TokenRejected::Unknown)?;
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
