//! Tokens as the client keeps them ([`TokenSet`]) and where ([`TokenStore`]).

use crate::error::StoreError;
use crate::ids::{AuthorizationId, RetailCustomerId, SubscriptionId};
use crate::secret::Secret;
use espi_auth::{BulkId, Scope, ScopeError};
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// The key a token set is stored under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenKey(String);

impl TokenKey {
    /// A key from any string (normally the authorization URI).
    pub fn new(key: impl Into<String>) -> TokenKey {
        TokenKey(key.into())
    }

    /// The key as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for TokenKey {
    fn from(key: &str) -> Self {
        TokenKey(key.to_owned())
    }
}

impl From<String> for TokenKey {
    fn from(key: String) -> Self {
        TokenKey(key)
    }
}

/// The scope a token was granted: the text the Data Custodian sent, read once
/// ([`Scope::parse`], lenient). Dereferences to the text.
///
/// ```
/// use espi_client::GrantedScope;
/// let granted = GrantedScope::new("FB=4_5;HistoryLength=13");
/// assert_eq!(&*granted, "FB=4_5;HistoryLength=13");
/// assert_eq!(granted.scope().map(|scope| scope.function_blocks.len()), Ok(2));
/// assert!(GrantedScope::new("FB=").scope().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedScope {
    text: String,
    parsed: Result<Scope, ScopeError>,
}

impl GrantedScope {
    /// The scope `text` as granted, parsed leniently.
    pub fn new(text: impl Into<String>) -> GrantedScope {
        let text = text.into();
        let parsed = Scope::parse(&text).map(|parsed| parsed.scope);
        GrantedScope { text, parsed }
    }

    /// The text as the Data Custodian sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What the scope grants, or why the text is not a scope.
    pub fn scope(&self) -> Result<&Scope, &ScopeError> {
        self.parsed.as_ref()
    }
}

impl std::ops::Deref for GrantedScope {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for GrantedScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for GrantedScope {
    fn from(text: String) -> GrantedScope {
        GrantedScope::new(text)
    }
}

impl From<&str> for GrantedScope {
    fn from(text: &str) -> GrantedScope {
        GrantedScope::new(text)
    }
}

/// How a token set was obtained, which says how to renew it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// The authorization-code flow (a customer's consent): renewed with the refresh
    /// token.
    AuthorizationCode,
    /// `client_credentials` with this scope (bulk, admin, registration): renewed by
    /// asking again.
    ClientCredentials {
        /// The requested scope.
        scope: Option<String>,
    },
}

/// An access token with everything the token endpoint said about it (RFC 6749
/// §5.1 and the ESPI members, the URIs espi.xsd's `Authorization` carries). `Debug` shows no token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token.
    pub access_token: Secret,
    /// The refresh token (authorization-code grants).
    pub refresh_token: Option<Secret>,
    /// The token type (`Bearer`).
    pub token_type: String,
    /// When the access token expires, epoch seconds on the client's clock (`None`
    /// when the server sent no `expires_in`).
    pub expires_at: Option<i64>,
    /// The granted scope: the final one, which the customer may have narrowed
    /// on the Data Custodian's consent page.
    pub scope: Option<GrantedScope>,
    /// `resourceURI`: the data the token reads (`…/Batch/Subscription/{id}` for a
    /// customer grant — GBA's own samples write `…/resource/Subscription/{id}` — and
    /// `…/Batch/Bulk/{id}` for a bulk grant).
    pub resource_uri: Option<String>,
    /// `authorizationURI`: the Authorization resource of the grant.
    pub authorization_uri: Option<String>,
    /// `customerResourceURI`: the customer (PII) data, when granted.
    pub customer_resource_uri: Option<String>,
    /// How the set was obtained.
    pub grant: Grant,
    /// When the authorization was first granted (the code exchange or the first
    /// client-credentials request), epoch seconds; kept across refreshes. The sync
    /// window counts from it when the Authorization resource is not available.
    pub granted_at: i64,
    /// When this access token was obtained, epoch seconds.
    pub obtained_at: i64,
}

impl TokenSet {
    /// A token set holding only an access token obtained elsewhere (a Data
    /// Custodian's admin or registration token, a token loaded from a file), of type
    /// `Bearer`, without expiry, granted and obtained at `now`. Set the public fields
    /// for the rest.
    ///
    /// ```
    /// use espi_client::{Grant, Secret, TokenSet};
    /// let mut tokens = TokenSet::new(Secret::new("abc"), Grant::AuthorizationCode, 0);
    /// tokens.resource_uri = Some("https://dc/r/Batch/Subscription/5".into());
    /// assert_eq!(tokens.subscription_id(), Some("5".into()));
    /// ```
    pub fn new(access_token: Secret, grant: Grant, now: i64) -> TokenSet {
        TokenSet {
            access_token,
            refresh_token: None,
            token_type: "Bearer".to_owned(),
            expires_at: None,
            scope: None,
            resource_uri: None,
            authorization_uri: None,
            customer_resource_uri: None,
            grant,
            granted_at: now,
            obtained_at: now,
        }
    }

    /// The key to store the set under: the authorization URI, else the resource URI,
    /// else `client_credentials` and the scope.
    pub fn key(&self) -> TokenKey {
        if let Some(uri) = self
            .authorization_uri
            .as_ref()
            .or(self.resource_uri.as_ref())
        {
            return TokenKey(uri.clone());
        }
        match &self.grant {
            Grant::ClientCredentials { scope } => TokenKey(format!(
                "client_credentials {}",
                scope.as_deref().unwrap_or_default()
            )),
            Grant::AuthorizationCode => TokenKey("authorization_code".to_owned()),
        }
    }

    /// Whether the access token expires within `margin_seconds` of `now`.
    pub fn expires_within(&self, now: i64, margin_seconds: i64) -> bool {
        self.expires_at
            .is_some_and(|at| at.saturating_sub(margin_seconds) <= now)
    }

    /// The authorization's id: the last path segment of `authorizationURI`.
    pub fn authorization_id(&self) -> Option<AuthorizationId> {
        last_segment(self.authorization_uri.as_deref()?)
            .map(|segment| AuthorizationId::new(crate::ids::decoded(segment)))
    }

    /// The subscription id of `resourceURI`: the segment after `Batch/Subscription/`,
    /// or the last segment of GBA's form `…/resource/Subscription/{id}`.
    ///
    /// ```
    /// use espi_client::{Grant, Secret, TokenSet};
    /// let mut tokens = TokenSet::new(Secret::new("abc"), Grant::AuthorizationCode, 0);
    /// tokens.resource_uri = Some("https://dc/DataCustodian/espi/1_1/resource/Subscription/7".into());
    /// assert_eq!(tokens.subscription_id(), Some("7".into()));
    /// ```
    pub fn subscription_id(&self) -> Option<SubscriptionId> {
        subscription_binding(self.resource_uri.as_deref()?)
            .map(|(_, id)| SubscriptionId::new(crate::ids::decoded(id)))
    }

    /// The URL of the subscription's feed, `…/Batch/Subscription/{id}`: `resourceURI`
    /// itself when it has that form, the same URL built from GBA's form
    /// `…/resource/Subscription/{id}` (which names the subscription, not its feed);
    /// `None` when `resourceURI` names no subscription.
    ///
    /// ```
    /// use espi_client::{Grant, Secret, TokenSet};
    /// let mut tokens = TokenSet::new(Secret::new("abc"), Grant::AuthorizationCode, 0);
    /// tokens.resource_uri = Some("https://dc/espi/1_1/resource/Subscription/7".into());
    /// assert_eq!(
    ///     tokens.subscription_feed().as_deref(),
    ///     Some("https://dc/espi/1_1/resource/Batch/Subscription/7")
    /// );
    /// ```
    pub fn subscription_feed(&self) -> Option<String> {
        let uri = self.resource_uri.as_deref()?;
        let (resource, id) = subscription_binding(uri)?;
        if uri.contains(BATCH_SUBSCRIPTION) {
            Some(uri.to_owned())
        } else {
            Some(format!("{resource}{BATCH_SUBSCRIPTION}{id}"))
        }
    }

    /// The retail customer id of `customerResourceURI`.
    pub fn retail_customer_id(&self) -> Option<RetailCustomerId> {
        segment_after(
            self.customer_resource_uri.as_deref()?,
            "/Batch/RetailCustomer/",
        )
        .map(|segment| RetailCustomerId::new(crate::ids::decoded(segment)))
    }

    /// The bulk id of a bulk grant's `resourceURI`.
    pub fn bulk_id(&self) -> Option<BulkId> {
        BulkId::new(segment_after(
            self.resource_uri.as_deref()?,
            "/Batch/Bulk/",
        )?)
        .ok()
    }
}

const BATCH_SUBSCRIPTION: &str = "/Batch/Subscription/";

/// The subscription a resource URI names: the URI up to `/Batch/Subscription/` (the
/// resource endpoint) and the id after it; or, in GBA's form
/// `…/resource/Subscription/{id}`, the URI up to `/Subscription/` and the last segment.
fn subscription_binding(uri: &str) -> Option<(&str, &str)> {
    let path = uri.split(['?', '#']).next()?;
    if let Some(at) = path.find(BATCH_SUBSCRIPTION) {
        let id = segment_after(path, BATCH_SUBSCRIPTION)?;
        return Some((&path[..at], id));
    }
    let (before, id) = path.trim_end_matches('/').rsplit_once('/')?;
    let resource = before.strip_suffix("/Subscription")?;
    (resource.ends_with("/resource") && !id.is_empty()).then_some((resource, id))
}

fn last_segment(uri: &str) -> Option<&str> {
    let path = uri.split(['?', '#']).next()?.trim_end_matches('/');
    path.rsplit('/')
        .next()
        .filter(|segment| !segment.is_empty())
}

fn segment_after<'a>(uri: &'a str, marker: &str) -> Option<&'a str> {
    let path = uri.split(['?', '#']).next()?;
    let start = path.find(marker)? + marker.len();
    path[start..]
        .split('/')
        .next()
        .filter(|segment| !segment.is_empty())
}

/// Where tokens are kept between requests (and, for a persistent implementation,
/// between runs).
///
/// A customer's tokens are keyed by their `authorizationURI` (the Authorization
/// resource of the grant), which stays the same across refreshes; without one, by the
/// `resourceURI`, and a client-credentials token without either by its scope.
///
/// # Async and object-safe
///
/// The stores ([`TokenStore`] here, [`SyncStore`](crate::SyncStore) for synced
/// data) are async traits, because a durable store waits on a disk or a database
/// server and must not block the runtime while it does. They are used as trait
/// objects (`Arc<dyn TokenStore>`, `&dyn SyncStore`), which Rust's native `async fn`
/// in traits does not allow: its futures are unnamed types, so the trait is not
/// dyn-compatible. The methods are therefore written with the `async-trait` crate,
/// which boxes each returned future: implementors write plain `async fn`, and the
/// cost, one allocation per call, is nothing next to the disk write or database
/// round trip behind it.
///
/// # Committed before used
///
/// The client puts every token response into the store, and waits for the store to
/// say it is written, before it uses or returns the tokens: a Data Custodian that
/// rotates refresh tokens has already forgotten the old one, so a new refresh token
/// that lived only in memory would die with the process. A durable store must make
/// [`TokenStore::put`] atomic and durable when it returns.
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync {
    /// The token set under `key`.
    async fn get(&self, key: &TokenKey) -> Result<Option<TokenSet>, StoreError>;
    /// Stores `tokens` under `key`, replacing what was there, atomically: when it
    /// returns `Ok` the new set is what a later `get` (in this process or, for a
    /// durable store, the next) returns; when it fails, the old one still is.
    async fn put(&self, key: &TokenKey, tokens: TokenSet) -> Result<(), StoreError>;
    /// Removes and returns the set under `key`.
    async fn remove(&self, key: &TokenKey) -> Result<Option<TokenSet>, StoreError>;
    /// Holds off every other refresh of the set under `key` until the returned guard
    /// is dropped. The client takes it around each refresh (after its own
    /// per-process lock) and reads the set again inside it, so that a store shared by
    /// several processes sees one refresh at a time per authorization: a Data
    /// Custodian that rotates refresh tokens takes a second use of the old one as
    /// theft and revokes the grant (RFC 9700 §4.14.2). The default holds nothing,
    /// which is right for a store used by one process.
    async fn refresh_lock(&self, key: &TokenKey) -> Result<RefreshLock, StoreError> {
        let _ = key;
        Ok(RefreshLock::none())
    }
}

/// A lock on the refreshes of one token set ([`TokenStore::refresh_lock`]),
/// released when dropped.
pub struct RefreshLock(Option<Box<dyn Send>>);

impl RefreshLock {
    /// A lock that holds nothing.
    pub fn none() -> RefreshLock {
        RefreshLock(None)
    }

    /// A lock released when `guard` is dropped.
    pub fn holding(guard: impl Send + 'static) -> RefreshLock {
        RefreshLock(Some(Box::new(guard)))
    }
}

impl fmt::Debug for RefreshLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "RefreshLock(held)"
        } else {
            "RefreshLock(none)"
        })
    }
}

/// A [`TokenStore`] in memory.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<TokenKey, TokenSet>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The keys stored, sorted.
    pub fn keys(&self) -> Vec<TokenKey> {
        let mut keys: Vec<TokenKey> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenKey, TokenSet>> {
        // A panic elsewhere while holding the lock leaves the map consistent (every
        // operation is one insert or remove), so the poison is cleared.
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait::async_trait]
impl TokenStore for MemoryTokenStore {
    async fn get(&self, key: &TokenKey) -> Result<Option<TokenSet>, StoreError> {
        Ok(self.lock().get(key).cloned())
    }

    async fn put(&self, key: &TokenKey, tokens: TokenSet) -> Result<(), StoreError> {
        self.lock().insert(key.clone(), tokens);
        Ok(())
    }

    async fn remove(&self, key: &TokenKey) -> Result<Option<TokenSet>, StoreError> {
        Ok(self.lock().remove(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> TokenSet {
        TokenSet {
            access_token: Secret::new("access-abc"),
            refresh_token: Some(Secret::new("refresh-def")),
            token_type: "Bearer".into(),
            expires_at: Some(1000),
            scope: Some("FB=1_3_4_5_13_14_39".into()),
            resource_uri: Some("https://dc/r/Batch/Subscription/5".into()),
            authorization_uri: Some("https://dc/r/Authorization/7".into()),
            customer_resource_uri: Some("https://dc/r/Batch/RetailCustomer/9?x=1".into()),
            grant: Grant::AuthorizationCode,
            granted_at: 0,
            obtained_at: 0,
        }
    }

    #[test]
    fn debug_shows_no_token() {
        let debug = format!("{:?}", tokens());
        assert!(!debug.contains("access-abc") && !debug.contains("refresh-def"));
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn ids_come_from_the_uris() {
        let tokens = tokens();
        assert_eq!(tokens.key().as_str(), "https://dc/r/Authorization/7");
        assert_eq!(tokens.authorization_id(), Some("7".into()));
        assert_eq!(tokens.subscription_id(), Some("5".into()));
        assert_eq!(tokens.retail_customer_id(), Some("9".into()));
        assert_eq!(tokens.bulk_id(), None);
        assert_eq!(
            tokens.subscription_feed().as_deref(),
            Some("https://dc/r/Batch/Subscription/5")
        );
        assert!(tokens.expires_within(950, 60));
        assert!(!tokens.expires_within(900, 60));
    }

    #[test]
    fn gbas_resource_uri_form_names_the_subscription() {
        let mut tokens = tokens();
        let base = "https://data.greenbuttonconnect.org/DataCustodian/espi/1_1/resource";
        for (resource_uri, id, feed) in [
            (
                format!("{base}/Subscription/407593"),
                Some("407593"),
                Some(format!("{base}/Batch/Subscription/407593")),
            ),
            (
                format!("{base}/Subscription/407593/"),
                Some("407593"),
                Some(format!("{base}/Batch/Subscription/407593")),
            ),
            (
                format!("{base}/Batch/Subscription/5?x=1"),
                Some("5"),
                Some(format!("{base}/Batch/Subscription/5?x=1")),
            ),
            // Not a subscription: a usage point under one, OpenESPI's per-customer
            // route, a bulk.
            (format!("{base}/Subscription/5/UsagePoint/1"), None, None),
            (
                format!("{base}/RetailCustomer/1/Subscription/5"),
                None,
                None,
            ),
            (format!("{base}/Batch/Bulk/1"), None, None),
            (format!("{base}/Subscription/"), None, None),
        ] {
            tokens.resource_uri = Some(resource_uri.clone());
            assert_eq!(
                tokens.subscription_id(),
                id.map(SubscriptionId::from),
                "{resource_uri}"
            );
            assert_eq!(tokens.subscription_feed(), feed, "{resource_uri}");
        }
    }

    #[tokio::test]
    async fn the_memory_store_keeps_by_key() {
        let store = MemoryTokenStore::new();
        let key = TokenKey::from("k");
        assert!(store.get(&key).await.expect("get").is_none());
        store.put(&key, tokens()).await.expect("put");
        assert_eq!(store.keys(), std::slice::from_ref(&key));
        assert!(store.get(&key).await.expect("get").is_some());
        assert!(store.remove(&key).await.expect("remove").is_some());
        assert!(store.get(&key).await.expect("get").is_none());
    }
}
